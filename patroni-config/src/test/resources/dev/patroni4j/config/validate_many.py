"""Validate many Patroni configuration files in one Python process, the way
`patroni --validate-config FILE` does (Config(FILE, validator=schema)), and print one JSON line per
file: {"file": ..., "valid": bool, "errors": [...]}. Run with the PYTHONPATH of the Patroni to test.
Reads the file names from stdin, one per line."""
import json
import os
import sys

from patroni.config import Config
from patroni.exceptions import ConfigParseError
from patroni.validator import schema

try:
    from patroni.validator import populate_validate_params
except ImportError:  # 3.0.x has no --ignore-listen-port
    populate_validate_params = None

ignore_listen_port = len(sys.argv) > 1 and sys.argv[1] == '--ignore-listen-port'
if populate_validate_params:
    populate_validate_params(ignore_listen_port=ignore_listen_port)

saved_env = dict(os.environ)
for line in sys.stdin:
    name = line.strip()
    if not name:
        continue
    os.environ.clear()
    os.environ.update(saved_env)  # Config() pops PATRONI_* variables
    try:
        Config(name, validator=schema)
        result = {"file": name, "valid": True, "errors": []}
    except ConfigParseError as e:
        result = {"file": name, "valid": False, "errors": str(e.value).split("\n") if e.value else []}
    except BaseException as e:  # the CLI would die with a traceback: exit code 1
        result = {"file": name, "valid": False, "errors": ["crash: " + type(e).__name__ + ": " + str(e)]}
    print(json.dumps(result), flush=True)
