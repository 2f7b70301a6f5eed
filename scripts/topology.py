#!/usr/bin/env python3
"""Turn configs/topology into a QEMU command line or the guest's device table.

  topology.py qemu-args [FILE]    one QEMU argument per line
  topology.py guest-table [FILE]  "<path> <id> <roles>" for devices with roles

The file format is described at the top of configs/topology.  The same parse
feeds both outputs, so the tests can never look for a device QEMU was not
given.
"""
import re
import sys
from dataclasses import dataclass, field

# Devices that own a secondary bus, and the QEMU bus name their children use.
PORTS = {"pcie-root-port", "xio3130-downstream", "x3130-upstream",
         "pcie-pci-bridge"}
# Ports that need a chassis/slot pair (unique per chassis) to be created.
SLOTTED = {"pcie-root-port", "xio3130-downstream"}


class TopologyError(Exception):
    pass


@dataclass
class Device:
    path: str
    model: str
    props: list
    roles: list
    lineno: int
    qid: str = ""
    children: list = field(default_factory=list)

    @property
    def devfn(self):
        return self.path.split("/")[-1]

    @property
    def parent_path(self):
        return self.path.rpartition("/")[0]


DEVFN = re.compile(r"^[0-9a-f]{2}\.[0-7]$")


def parse(text):
    devices = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) != 3:
            raise TopologyError(f"line {lineno}: want 'path device roles', got {raw!r}")
        path, device, roles = words
        for part in path.split("/"):
            if not DEVFN.match(part):
                raise TopologyError(f"line {lineno}: bad devfn {part!r} in path {path!r} (want e.g. 03.0)")
        if path in devices:
            raise TopologyError(f"line {lineno}: path {path} used twice")
        model, *props = device.split(",")
        dev = Device(path, model, props, [] if roles == "-" else roles.split(","), lineno)
        ids = [p[3:] for p in props if p.startswith("id=")]
        if len(ids) != 1:
            raise TopologyError(f"line {lineno}: device needs exactly one id=")
        dev.qid = ids[0]
        for p in props:
            if p.split("=")[0] in ("bus", "addr", "multifunction", "chassis", "slot"):
                raise TopologyError(f"line {lineno}: {p.split('=')[0]}= is derived from the path, do not set it")
        if dev.parent_path:
            parent = devices.get(dev.parent_path)
            if parent is None:
                raise TopologyError(f"line {lineno}: parent {dev.parent_path} of {path} is not defined above it")
            if parent.model not in PORTS:
                raise TopologyError(f"line {lineno}: parent {dev.parent_path} ({parent.model}) has no secondary bus")
            parent.children.append(dev)
        devices[path] = dev
    qids = [d.qid for d in devices.values()]
    dup = {q for q in qids if qids.count(q) > 1}
    if dup:
        raise TopologyError(f"duplicate id(s): {', '.join(sorted(dup))}")
    return list(devices.values())


def qemu_args(devices):
    args = []
    chassis = 0
    for dev in devices:
        props = [dev.model] + dev.props
        props.append("bus=" + (next(d.qid for d in devices if d.path == dev.parent_path)
                               if dev.parent_path else "pcie.0"))
        slot, fn = dev.devfn.split(".")
        props.append(f"addr=0x{slot}.{fn}")
        siblings = [d for d in devices if d.parent_path == dev.parent_path
                    and d.devfn.split(".")[0] == slot and d is not dev]
        if fn == "0" and siblings:
            props.append("multifunction=on")
        if dev.model in SLOTTED:
            chassis += 1
            props += [f"chassis={chassis}", "slot=0" if dev.model != "pcie-root-port" else f"slot={chassis}"]
        if dev.model == "pcie-root-port":
            # A 5 GT/s link: for faster links the kernel waits for Data
            # Link Layer Link Active after a secondary bus reset, and that
            # wait fails under QEMU, 11.1 included, on 6.12 and 7.3 ("Data
            # Link Layer Link Active not set in 100 msec", the hot reset
            # returns -ENOTTY); at 5 GT/s it waits the fixed delay instead.
            props.append("x-speed=5")
        args += ["-device", ",".join(props)]
    # A NIC's netdev= names its backend: a port of one hub, so that every
    # NIC has a peer and nothing leaves the VM.  The NICs are bound to
    # vfio-pci and send nothing but igb's loopback frames, which stay in
    # the device.
    # A drive= names a block backend: 1 MiB of zeroes whose writes go to a
    # temporary overlay QEMU drops at exit (snapshot=on), so that the
    # guest reads back what it wrote and nothing outlives the run.
    for dev in devices:
        for p in dev.props:
            if p.startswith("netdev="):
                args += ["-netdev", f"hubport,id={p[7:]},hubid=0"]
            if p.startswith("drive="):
                args += ["-drive", f"if=none,id={p[6:]},driver=null-co,"
                         "size=1M,read-zeroes=on,snapshot=on"]
    return args


def guest_table(devices):
    return [f"{d.path} {d.qid} {','.join(d.roles)}" for d in devices if d.roles]


def main(argv):
    if len(argv) not in (2, 3) or argv[1] not in ("qemu-args", "guest-table"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name = argv[2] if len(argv) == 3 else "configs/topology"
    try:
        with open(name) as f:
            devices = parse(f.read())
    except (OSError, TopologyError) as e:
        print(f"topology: {name}: {e}", file=sys.stderr)
        return 1
    out = qemu_args(devices) if argv[1] == "qemu-args" else guest_table(devices)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
