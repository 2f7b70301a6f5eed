"""configs/topology -> QEMU command line and guest table."""
import os
import unittest

import topology

TOPOLOGY = os.path.join(os.path.dirname(__file__), "..", "..", "configs", "topology")


def devices_of(args):
    return [args[i + 1] for i in range(0, len(args), 2) if args[i] == "-device"]


class TopologyTest(unittest.TestCase):
    def setUp(self):
        with open(TOPOLOGY) as f:
            self.devices = topology.parse(f.read())
        self.args = topology.qemu_args(self.devices)

    def test_every_root_port_has_a_5gt_link_and_a_unique_chassis(self):
        ports = [d for d in devices_of(self.args) if d.startswith("pcie-root-port,")]
        self.assertGreaterEqual(len(ports), 7)
        self.assertTrue(all("x-speed=5" in p for p in ports))
        chassis = [p.split("chassis=")[1].split(",")[0] for p in devices_of(self.args) if "chassis=" in p]
        self.assertEqual(len(chassis), len(set(chassis)))

    def test_children_are_placed_on_their_parent_bus(self):
        dev = devices_of(self.args)
        self.assertIn("nvme,id=nvme0,serial=vfio-nvme0,drive=nvme0_disk,bus=rp_nvme,addr=0x00.0", dev)
        self.assertIn("nvme,id=sw_nvme,serial=vfio-sw-nvme,bus=sw_down0,addr=0x00.0", dev)
        self.assertIn("edu,id=br_edu,bus=pcibr,addr=0x02.0", dev)

    def test_every_nic_has_a_hub_port(self):
        netdevs = [self.args[i + 1] for i in range(len(self.args)) if self.args[i] == "-netdev"]
        self.assertIn("hubport,id=igbnet,hubid=0", netdevs)
        self.assertEqual(len(netdevs), 6)
        self.assertIn("igb,id=igb0,netdev=igbnet,bus=rp_igb,addr=0x00.0", devices_of(self.args))

    def test_every_drive_has_a_backend_that_keeps_writes_until_exit(self):
        drives = [self.args[i + 1] for i in range(len(self.args)) if self.args[i] == "-drive"]
        self.assertEqual(drives, ["if=none,id=nvme0_disk,driver=null-co,size=1M,"
                                  "read-zeroes=on,snapshot=on"])

    def test_function_zero_of_a_shared_slot_is_multifunction(self):
        dev = devices_of(self.args)
        fn0 = next(d for d in dev if "id=slot_e1000e" in d)
        fn1 = next(d for d in dev if "id=slot_vnet" in d)
        self.assertIn("multifunction=on", fn0)
        self.assertNotIn("multifunction", fn1)

    def test_required_roles_exist(self):
        roles = {r for d in self.devices for r in d.roles}
        for role in ("nvme", "flr", "aer", "msix", "pm-reset", "two-function-slot",
                     "behind-switch", "conventional-pair", "edu", "igb", "sriov-pf"):
            self.assertIn(role, roles)

    def test_guest_table_lists_only_devices_with_roles(self):
        table = topology.guest_table(self.devices)
        self.assertIn("03.0/00.0 nvme0 nvme,flr,msix", table)
        self.assertFalse(any(" rp_" in line for line in table))

    def test_bad_input_is_refused_with_its_line(self):
        bad = {
            "03.0 nvme,id=a x\n03.0 nvme,id=b y\n": "used twice",
            "03.0/00.0 nvme,id=a x\n": "not defined above",
            "03.0 nvme,id=a -\n03.0/00.0 nvme,id=b x\n": "has no secondary bus",
            "3.0 nvme,id=a x\n": "bad devfn",
            "03.0 nvme x\n": "exactly one id=",
            "03.0 nvme,id=a,addr=0x3 x\n": "derived from the path",
            "03.0 nvme,id=a\n": "want 'path device roles'",
            "03.0 nvme,id=a x\n04.0 nvme,id=a y\n": "duplicate id",
        }
        for text, message in bad.items():
            with self.subTest(text=text):
                with self.assertRaisesRegex(topology.TopologyError, message):
                    topology.parse(text)


if __name__ == "__main__":
    unittest.main()
