# shellcheck shell=dash
# Guest-side topology helpers, sourced by /init.

# bdf_of_path PATH: the sysfs device directory of a topology path such as
# 07.0/00.0/01.0/00.0, found by walking the device hierarchy from the root
# bus, so the guest's bus numbering never matters.
dir_of_path() {
	dir=/sys/devices/pci0000:00
	old_ifs=$IFS
	IFS=/
	for devfn in $1; do
		IFS=$old_ifs
		set -- "$dir"/0000:??:"$devfn"
		[ -d "$1" ] || return 1
		dir=$1
	done
	IFS=$old_ifs
	echo "$dir"
}

# resolve_topology FILE: "<path> <id> <roles>" -> "<bdf> <id> <roles>".
resolve_topology() {
	while read -r path id roles; do
		if dir=$(dir_of_path "$path"); then
			echo "${dir##*/} $id $roles"
		else
			echo "vfio-harness: topology path $path ($id) not found in the guest" >&2
		fi
	done <"$1"
}

# bind_all_to_vfio FILE: hand every listed device to vfio-pci.
bind_all_to_vfio() {
	while read -r bdf id _; do
		dev=/sys/bus/pci/devices/$bdf
		echo vfio-pci >"$dev/driver_override"
		if [ -e "$dev/driver" ]; then
			echo "$bdf" >"$dev/driver/unbind"
		fi
		echo "$bdf" >/sys/bus/pci/drivers_probe
		[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] ||
			echo "vfio-harness: $bdf ($id) did not bind to vfio-pci" >&2
	done <"$1"
}

# show_topology FILE: what the guest sees, one device per line.
show_topology() {
	echo "vfio-harness: reset topology as the guest sees it"
	printf '  %-13s %-12s %-9s %-5s %-14s %-8s %s\n' BDF ID VEN:DEV GROUP RESET_METHOD CDEV ROLES
	while read -r bdf id roles; do
		dev=/sys/bus/pci/devices/$bdf
		group=$(basename "$(readlink "$dev/iommu_group")")
		cdev=-
		for c in "$dev"/vfio-dev/*; do
			[ -e "$c" ] && cdev=${c##*/}
		done
		method=none
		[ -r "$dev/reset_method" ] && method=$(tr ' ' , <"$dev/reset_method")
		printf '  %-13s %-12s %-9s %-5s %-14s %-8s %s\n' "$bdf" "$id" \
			"$(cut -c3- "$dev/vendor"):$(cut -c3- "$dev/device")" \
			"$group" "$method" "$cdev" "$roles"
	done <"$1"
	printf '  vfio nodes:'
	for node in /dev/vfio/* /dev/vfio/devices/* /dev/iommu; do
		[ -c "$node" ] && printf ' %s' "$node"
	done
	echo
	# SR-IOV: VFs (made by the tests) share the PF's bus, one reset scope
	# across IOMMU groups; say what the guest can build.
	for dev in /sys/bus/pci/devices/*; do
		[ -r "$dev/sriov_totalvfs" ] || continue
		echo "  SR-IOV: ${dev##*/} offers $(cat "$dev/sriov_totalvfs") VFs (offset $(cat "$dev/sriov_offset"), stride $(cat "$dev/sriov_stride"))"
	done
	printf '  IOMMU groups:'
	for g in /sys/kernel/iommu_groups/*; do
		members=
		for d in "$g"/devices/*; do
			members="$members${members:++}${d##*/}"
		done
		printf ' %s=%s' "${g##*/}" "$members"
	done
	echo
}

# bdfs_of ROLES: the BDFs of the devices of /run/vfio-topology with any of
# the comma-separated ROLES ("all": every device of the table), in order.
# The one role lookup of the guest.
bdfs_of() {
	while read -r bdf _ roles; do
		case ",$1," in *,all,*)
			echo "$bdf"
			continue
			;;
		esac
		old_ifs=$IFS
		IFS=,
		for r in $roles; do
			case ",$1," in *",$r,"*)
				echo "$bdf"
				break
				;;
			esac
		done
		IFS=$old_ifs
	done </run/vfio-topology
}
