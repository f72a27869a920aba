"""Docker's own Python SDK (Debian's python3-docker) against a Docker Engine API: `docker-sdk-client.py URL SCENARIO`.

Scenarios: `look` (ping, list containers, engine info), `run` (an ordinary container started, a command run in it),
`escape` (a privileged container with the host's root file system mounted, started). Prints one JSON line of what
the engine answered.
"""
import json
import sys

import docker

url, scenario = sys.argv[1], sys.argv[2]
client = docker.DockerClient(base_url=url, version="1.41", timeout=10)
out = {}
if scenario == "look":
    out["ping"] = client.ping()
    out["containers"] = len(client.containers.list(all=True))
    out["version"] = client.info()["ServerVersion"]
elif scenario == "run":
    container = client.containers.create("alpine:3.19", ["sleep", "600"], name="worker")
    container.start()
    out["exec"] = client.api.exec_create(container.id, ["sh", "-c", "id"])["Id"][:12]
    try:
        client.containers.create("alpine:3.19", ["true"], name="worker")
    except docker.errors.APIError as error:
        out["conflict"] = error.status_code
elif scenario == "escape":
    container = client.containers.create(
        "alpine:3.19",
        ["chroot", "/host", "sh"],
        privileged=True,
        pid_mode="host",
        volumes={"/": {"bind": "/host", "mode": "rw"}},
    )
    container.start()
    out["started"] = container.id[:12]
print(json.dumps(out))
