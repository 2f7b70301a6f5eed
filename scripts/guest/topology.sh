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
}
