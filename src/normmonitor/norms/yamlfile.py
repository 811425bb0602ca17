"""The YAML machinery of the norm file parser, for the other data files of the norm family
(version mappings, questionnaires): safe loading with a line for every path, duplicate-key
detection, and a validator that collects every problem instead of stopping at the first."""

from .normfile import _MISSING as MISSING
from .normfile import NormFileError, Problem
from .normfile import _join as join
from .normfile import _load_yaml as load_yaml
from .normfile import _type_name as type_name
from .normfile import _Validator as Validator

__all__ = ["MISSING", "NormFileError", "Problem", "Validator", "join", "load_yaml", "type_name"]
