#!/usr/bin/python3
"""The test bed's stand-in for nova-compute (called by testbed.sh), through Nova's own objects.

    testbed_nova.py --config-file nova.conf create NAME...        nova-compute services in cell1
    testbed_nova.py --config-file nova.conf heartbeat --interval S  keep every nova-compute up

Nova's DB servicegroup driver decides up/down from `last_seen_up`, which Nova's database layer
stamps when `report_count` grows, exactly as a running nova-compute's periodic report does.
`Service.create()` records the current service version, so nova-api sees computes it supports.
"""
import sys
import time

from nova import config
from nova import context
from nova import exception
from nova import objects


def cells(ctxt):
    return [c for c in objects.CellMappingList.get_all(ctxt) if not c.is_cell0()]


def create(ctxt, names):
    cell = cells(ctxt)[0]
    with context.target_cell(ctxt, cell) as cctxt:
        for name in names:
            try:
                objects.Service.get_by_args(cctxt, name, "nova-compute")
                continue
            except exception.NotFound:
                pass
            service = objects.Service(cctxt)
            service.host = name
            service.binary = "nova-compute"
            service.topic = "compute"
            service.report_count = 0
            service.create()
            objects.HostMapping(ctxt, host=name, cell_mapping=cell).create()
            print("created nova-compute on %s (%s)" % (name, service.uuid))


def heartbeat(ctxt, interval):
    while True:
        for cell in cells(ctxt):
            with context.target_cell(ctxt, cell) as cctxt:
                for service in objects.ServiceList.get_by_binary(cctxt, "nova-compute"):
                    service.report_count = service.report_count + 1
                    service.save()
        time.sleep(interval)


def main(argv):
    i = argv.index("--config-file")
    conf = argv[i + 1]
    rest = argv[:i] + argv[i + 2:]
    objects.register_all()
    config.parse_args(["testbed-nova", "--config-file", conf])
    ctxt = context.get_admin_context()
    verb = rest[0]
    if verb == "create":
        create(ctxt, rest[1:])
    elif verb == "heartbeat":
        heartbeat(ctxt, float(rest[rest.index("--interval") + 1]) if "--interval" in rest else 5.0)
    else:
        sys.exit("unknown verb " + verb)


if __name__ == "__main__":
    main(sys.argv[1:])
