"""The programs benchmarks/validate.py times besides coprod: the parse floors and the
peers' scripts (run in benchmarks/.peers, given the bundled schema as a file). Both peers
exit 1 if they find anything, so a run that finds errors stops the benchmark."""

READ_FLOOR = ("import sys, orjson\n"
              "with open(sys.argv[1], 'rb') as f:\n"
              "    orjson.loads(f.read())")
READ_FLOOR_LINES = ("import sys, orjson\n"
                    "with open(sys.argv[1], 'rb') as f:\n"
                    "    for line in f:\n"
                    "        orjson.loads(line)")
JSONSCHEMA_SCRIPT = '''\
import json, sys
from jsonschema import Draft202012Validator
from referencing import Registry  # local only: nothing is fetched

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
with open(sys.argv[2], "rb") as f:
    data = json.load(f)
checker = Draft202012Validator.FORMAT_CHECKER
missing = {"date", "date-time", "uri", "email"} - set(checker.checkers)
if missing:
    sys.exit(f"format checkers missing: {sorted(missing)}")
validator = Draft202012Validator(schema, format_checker=checker, registry=Registry())
sys.exit(1 if any(True for _ in validator.iter_errors(data)) else 0)
'''
LIBCOVE_SCRIPT = '''\
import json, sys
from collections import OrderedDict
from libcove.lib.common import get_schema_validation_errors
from referencing import Registry  # local only: nothing is fetched


class Schema:
    """What get_schema_validation_errors asks of a schema object."""

    registry = Registry()

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.obj = json.load(f)

    def get_pkg_schema_obj(self, deref=False, use_extensions=False):
        return self.obj


with open(sys.argv[2], encoding="utf-8") as f:  # as the cove tools read JSON
    data = json.load(f, object_pairs_hook=OrderedDict)
errors = get_schema_validation_errors(data, Schema(sys.argv[1]), "dataset", {}, {})
sys.exit(1 if errors else 0)
'''
