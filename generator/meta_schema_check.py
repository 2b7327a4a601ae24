"""The meta-schema's yes/no check (generator/spec.py, meta_schema_check_code).

Generated from generator/spec.schema.json by `python -m generator.spec`: do not edit.
"""

# ruff: noqa
# mypy: ignore-errors
META_SCHEMA_SHA256 = "ecad55684de8784e5299ccbdb037799630f23bd2544bf88c18e443f601322c11"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^[0-9]{3}( |$)': re.compile('^[0-9]{3}( |\\Z)'),
    '^(/.*)?$': re.compile('^(/.*)?\\Z'),
    '^/.*$': re.compile('^/.*\\Z'),
    '^/': re.compile('^/'),
    '^[A-Za-z0-9-]+$': re.compile('^[A-Za-z0-9-]+\\Z'),
    '^[A-Z][A-Za-z0-9]*$': re.compile('^[A-Z][A-Za-z0-9]*\\Z'),
    '^[A-Z][A-Z0-9_]*$': re.compile('^[A-Z][A-Z0-9_]*\\Z'),
    '^[0-9]{3}$': re.compile('^[0-9]{3}\\Z'),
    '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$': re.compile('^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\Z'),
    '^[a-z][a-z0-9_]*$': re.compile('^[a-z][a-z0-9_]*\\Z')
}

NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['callgen', 'service', 'title', 'sources', 'base_url', 'auth', 'envelope', 'error_codes', 'operations']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "callgen" in data_keys:
            data_keys.remove("callgen")
            data__callgen = data["callgen"]
            if not (isinstance(data__callgen, (int, float)) and not isinstance(data__callgen, bool) and data__callgen == 1):
                raise JsonSchemaValueException("no")
        if "service" in data_keys:
            data_keys.remove("service")
            data__service = data["service"]
            validate____defs_identifier(data__service, custom_formats)
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            validate____defs_text(data__title, custom_formats)
        if "version" in data_keys:
            data_keys.remove("version")
            data__version = data["version"]
            validate____defs_semver(data__version, custom_formats)
        if "changelog" in data_keys:
            data_keys.remove("changelog")
            data__changelog = data["changelog"]
            if not isinstance(data__changelog, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__changelog_is_list = isinstance(data__changelog, (list, tuple))
            if data__changelog_is_list:
                data__changelog_len = len(data__changelog)
                for data__changelog_x, data__changelog_item in enumerate(data__changelog):
                    validate____defs_release(data__changelog_item, custom_formats)
        if "sources" in data_keys:
            data_keys.remove("sources")
            data__sources = data["sources"]
            if not isinstance(data__sources, (dict)):
                raise JsonSchemaValueException("no")
            data__sources_is_dict = isinstance(data__sources, dict)
            if data__sources_is_dict:
                data__sources_len = len(data__sources)
                if data__sources_len < 1:
                    raise JsonSchemaValueException("no")
                data__sources_keys = set(data__sources.keys())
                for data__sources_key in data__sources_keys:
                    if data__sources_key not in []:
                        data__sources_value = data__sources.get(data__sources_key)
                        validate____defs_seed(data__sources_value, custom_formats)
                if data__sources_len != 0:
                    data__sources_property_names = True
                    for data__sources_key in data__sources:
                        try:
                            validate____defs_seed_id(data__sources_key, custom_formats)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__sources_property_names = False
                    if not data__sources_property_names:
                        raise JsonSchemaValueException("no")
        if "base_url" in data_keys:
            data_keys.remove("base_url")
            data__baseurl = data["base_url"]
            validate____defs_base_url(data__baseurl, custom_formats)
        if "auth" in data_keys:
            data_keys.remove("auth")
            data__auth = data["auth"]
            validate____defs_auth(data__auth, custom_formats)
        if "envelope" in data_keys:
            data_keys.remove("envelope")
            data__envelope = data["envelope"]
            validate____defs_envelope(data__envelope, custom_formats)
        if "error_codes" in data_keys:
            data_keys.remove("error_codes")
            data__errorcodes = data["error_codes"]
            if not isinstance(data__errorcodes, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__errorcodes_is_list = isinstance(data__errorcodes, (list, tuple))
            if data__errorcodes_is_list:
                data__errorcodes_len = len(data__errorcodes)
                for data__errorcodes_x, data__errorcodes_item in enumerate(data__errorcodes):
                    validate____defs_error_code(data__errorcodes_item, custom_formats)
        if "rule_codes" in data_keys:
            data_keys.remove("rule_codes")
            data__rulecodes = data["rule_codes"]
            validate____defs_rule_code_map(data__rulecodes, custom_formats)
        if "types" in data_keys:
            data_keys.remove("types")
            data__types = data["types"]
            if not isinstance(data__types, (dict)):
                raise JsonSchemaValueException("no")
            data__types_is_dict = isinstance(data__types, dict)
            if data__types_is_dict:
                data__types_keys = set(data__types.keys())
                for data__types_key in data__types_keys:
                    if data__types_key not in []:
                        data__types_value = data__types.get(data__types_key)
                        validate____defs_type_def(data__types_value, custom_formats)
                data__types_len = len(data__types)
                if data__types_len != 0:
                    data__types_property_names = True
                    for data__types_key in data__types:
                        try:
                            validate____defs_type_name(data__types_key, custom_formats)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__types_property_names = False
                    if not data__types_property_names:
                        raise JsonSchemaValueException("no")
        if "operations" in data_keys:
            data_keys.remove("operations")
            data__operations = data["operations"]
            if not isinstance(data__operations, (dict)):
                raise JsonSchemaValueException("no")
            data__operations_is_dict = isinstance(data__operations, dict)
            if data__operations_is_dict:
                data__operations_len = len(data__operations)
                if data__operations_len < 1:
                    raise JsonSchemaValueException("no")
                data__operations_keys = set(data__operations.keys())
                for data__operations_key in data__operations_keys:
                    if data__operations_key not in []:
                        data__operations_value = data__operations.get(data__operations_key)
                        validate____defs_operation(data__operations_value, custom_formats)
                if data__operations_len != 0:
                    data__operations_property_names = True
                    for data__operations_key in data__operations:
                        try:
                            validate____defs_identifier(data__operations_key, custom_formats)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__operations_property_names = False
                    if not data__operations_property_names:
                        raise JsonSchemaValueException("no")
        if "callbacks" in data_keys:
            data_keys.remove("callbacks")
            data__callbacks = data["callbacks"]
            if not isinstance(data__callbacks, (dict)):
                raise JsonSchemaValueException("no")
            data__callbacks_is_dict = isinstance(data__callbacks, dict)
            if data__callbacks_is_dict:
                data__callbacks_keys = set(data__callbacks.keys())
                for data__callbacks_key in data__callbacks_keys:
                    if data__callbacks_key not in []:
                        data__callbacks_value = data__callbacks.get(data__callbacks_key)
                        validate____defs_callback(data__callbacks_value, custom_formats)
                data__callbacks_len = len(data__callbacks)
                if data__callbacks_len != 0:
                    data__callbacks_property_names = True
                    for data__callbacks_key in data__callbacks:
                        try:
                            validate____defs_identifier(data__callbacks_key, custom_formats)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__callbacks_property_names = False
                    if not data__callbacks_property_names:
                        raise JsonSchemaValueException("no")
        if "limits" in data_keys:
            data_keys.remove("limits")
            data__limits = data["limits"]
            if not isinstance(data__limits, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__limits_is_list = isinstance(data__limits, (list, tuple))
            if data__limits_is_list:
                data__limits_len = len(data__limits)
                for data__limits_x, data__limits_item in enumerate(data__limits):
                    validate____defs_limit(data__limits_item, custom_formats)
        if "notes" in data_keys:
            data_keys.remove("notes")
            data__notes = data["notes"]
            if not isinstance(data__notes, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__notes_is_list = isinstance(data__notes, (list, tuple))
            if data__notes_is_list:
                data__notes_len = len(data__notes)
                for data__notes_x, data__notes_item in enumerate(data__notes):
                    validate____defs_note(data__notes_item, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_note(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'source', 'about', 'text', 'decision']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate____defs_identifier(data__id, custom_formats)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "about" in data_keys:
            data_keys.remove("about")
            data__about = data["about"]
            if not isinstance(data__about, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__about_is_list = isinstance(data__about, (list, tuple))
            if data__about_is_list:
                data__about_len = len(data__about)
                if data__about_len < 1:
                    raise JsonSchemaValueException("no")
                for data__about_x, data__about_item in enumerate(data__about):
                    validate____defs_text(data__about_item, custom_formats)
        if "text" in data_keys:
            data_keys.remove("text")
            data__text = data["text"]
            validate____defs_text(data__text, custom_formats)
        if "decision" in data_keys:
            data_keys.remove("decision")
            data__decision = data["decision"]
            validate____defs_text(data__decision, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_source(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[0-9]{3}( |$)'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_limit(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'kind', 'enforced_by', 'source', 'description']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate____defs_identifier(data__id, custom_formats)
        if "operation" in data_keys:
            data_keys.remove("operation")
            data__operation = data["operation"]
            validate____defs_identifier(data__operation, custom_formats)
        if "kind" in data_keys:
            data_keys.remove("kind")
            data__kind = data["kind"]
            if not (isinstance(data__kind, str) and data__kind == 'max_items_per_call' or isinstance(data__kind, str) and data__kind == 'min_interval' or isinstance(data__kind, str) and data__kind == 'server_quota'):
                raise JsonSchemaValueException("no")
        if "value" in data_keys:
            data_keys.remove("value")
            data__value = data["value"]
            if not isinstance(data__value, (int, float, Decimal)) or isinstance(data__value, bool):
                raise JsonSchemaValueException("no")
            if isinstance(data__value, (int, float, Decimal)) and not isinstance(data__value, bool):
                if data__value < 0:
                    raise JsonSchemaValueException("no")
        if "enforced_by" in data_keys:
            data_keys.remove("enforced_by")
            data__enforcedby = data["enforced_by"]
            if not (isinstance(data__enforcedby, str) and data__enforcedby == 'client' or isinstance(data__enforcedby, str) and data__enforcedby == 'server'):
                raise JsonSchemaValueException("no")
        if "code" in data_keys:
            data_keys.remove("code")
            data__code = data["code"]
            validate____defs_code(data__code, custom_formats)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            validate____defs_text(data__description, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['kind']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("no")
            data_keys = set(data.keys())
            if "kind" in data_keys:
                data_keys.remove("kind")
                data__kind = data["kind"]
                if not (isinstance(data__kind, str) and data__kind == 'max_items_per_call' or isinstance(data__kind, str) and data__kind == 'min_interval'):
                    raise JsonSchemaValueException("no")
    except (JsonSchemaValueException, JsonSchemaValuesException):
        pass
    else:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['value']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("no")
    return data

def validate____defs_code(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_callback(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['summary', 'source', 'body']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "summary" in data_keys:
            data_keys.remove("summary")
            data__summary = data["summary"]
            validate____defs_text(data__summary, custom_formats)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "body" in data_keys:
            data_keys.remove("body")
            data__body = data["body"]
            validate____defs_object_schema(data__body, custom_formats)
        if "examples" in data_keys:
            data_keys.remove("examples")
            data__examples = data["examples"]
            if not isinstance(data__examples, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__examples_is_list = isinstance(data__examples, (list, tuple))
            if data__examples_is_list:
                data__examples_len = len(data__examples)
                for data__examples_x, data__examples_item in enumerate(data__examples):
                    validate____defs_example(data__examples_item, custom_formats)
                    data__examples_item_is_dict = isinstance(data__examples_item, dict)
                    if data__examples_item_is_dict:
                        data__examples_item_keys = set(data__examples_item.keys())
                        if "kind" in data__examples_item_keys:
                            data__examples_item_keys.remove("kind")
                            data__examples_item__kind = data__examples_item["kind"]
                            raise JsonSchemaValueException("no")
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_example(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['name', 'source', 'body']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "name" in data_keys:
            data_keys.remove("name")
            data__name = data["name"]
            validate____defs_identifier(data__name, custom_formats)
        if "kind" in data_keys:
            data_keys.remove("kind")
            data__kind = data["kind"]
            if not (isinstance(data__kind, str) and data__kind == 'request' or isinstance(data__kind, str) and data__kind == 'response'):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "body" in data_keys:
            data_keys.remove("body")
            data__body = data["body"]
        if "expect_violations" in data_keys:
            data_keys.remove("expect_violations")
            data__expectviolations = data["expect_violations"]
            if not isinstance(data__expectviolations, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__expectviolations_is_list = isinstance(data__expectviolations, (list, tuple))
            if data__expectviolations_is_list:
                data__expectviolations_len = len(data__expectviolations)
                if data__expectviolations_len < 1:
                    raise JsonSchemaValueException("no")
                for data__expectviolations_x, data__expectviolations_item in enumerate(data__expectviolations):
                    if not isinstance(data__expectviolations_item, (dict)):
                        raise JsonSchemaValueException("no")
                    data__expectviolations_item_is_dict = isinstance(data__expectviolations_item, dict)
                    if data__expectviolations_item_is_dict:
                        data__expectviolations_item__missing_keys = set(['path', 'rule']) - data__expectviolations_item.keys()
                        if data__expectviolations_item__missing_keys:
                            raise JsonSchemaValueException("no")
                        data__expectviolations_item_keys = set(data__expectviolations_item.keys())
                        if "path" in data__expectviolations_item_keys:
                            data__expectviolations_item_keys.remove("path")
                            data__expectviolations_item__path = data__expectviolations_item["path"]
                            validate____defs_pointer(data__expectviolations_item__path, custom_formats)
                        if "rule" in data__expectviolations_item_keys:
                            data__expectviolations_item_keys.remove("rule")
                            data__expectviolations_item__rule = data__expectviolations_item["rule"]
                            validate____defs_rule(data__expectviolations_item__rule, custom_formats)
                        if data__expectviolations_item_keys:
                            raise JsonSchemaValueException("no")
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_rule(data, custom_formats={}, name_prefix=None):
    if not (isinstance(data, str) and data == 'required' or isinstance(data, str) and data == 'required_if' or isinstance(data, str) and data == 'type' or isinstance(data, str) and data == 'unknown_field' or isinstance(data, str) and data == 'enum' or isinstance(data, str) and data == 'min_length' or isinstance(data, str) and data == 'max_length' or isinstance(data, str) and data == 'max_bytes' or isinstance(data, str) and data == 'pattern' or isinstance(data, str) and data == 'forbidden_chars' or isinstance(data, str) and data == 'format' or isinstance(data, str) and data == 'minimum' or isinstance(data, str) and data == 'maximum' or isinstance(data, str) and data == 'exclusive_minimum' or isinstance(data, str) and data == 'exclusive_maximum' or isinstance(data, str) and data == 'min_items' or isinstance(data, str) and data == 'max_items' or isinstance(data, str) and data == 'unique' or isinstance(data, str) and data == 'exactly_one_of' or isinstance(data, str) and data == 'dependent_required' or isinstance(data, str) and data == 'must_match'):
        raise JsonSchemaValueException("no")
    return data

def validate____defs_pointer(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^(/.*)?$'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_object_schema(data, custom_formats={}, name_prefix=None):
    validate____defs_schema(data, custom_formats)
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['type']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not (isinstance(data__type, str) and data__type == 'object'):
                raise JsonSchemaValueException("no")
    return data

def validate____defs_schema(data, custom_formats={}, name_prefix=None):
    validate____defs_property(data, custom_formats)
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "required" in data_keys:
            data_keys.remove("required")
            data__required = data["required"]
            raise JsonSchemaValueException("no")
        if "required_if" in data_keys:
            data_keys.remove("required_if")
            data__requiredif = data["required_if"]
            raise JsonSchemaValueException("no")
        if "inferred" in data_keys:
            data_keys.remove("inferred")
            data__inferred = data["inferred"]
            raise JsonSchemaValueException("no")
        if "python_name" in data_keys:
            data_keys.remove("python_name")
            data__pythonname = data["python_name"]
            raise JsonSchemaValueException("no")
    return data

def validate____defs_property(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            data__type_one_of_count1 = 0
            if data__type_one_of_count1 < 2:
                try:
                    validate____defs_wire_type(data__type, custom_formats)
                    data__type_one_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__type_one_of_count1 < 2:
                try:
                    if not isinstance(data__type, (list, tuple)):
                        raise JsonSchemaValueException("no")
                    data__type_is_list = isinstance(data__type, (list, tuple))
                    if data__type_is_list:
                        data__type_len = len(data__type)
                        if data__type_len < 1:
                            raise JsonSchemaValueException("no")
                        def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                        if data__type_len > len(set(fn(data__type_x) for data__type_x in data__type)):
                            raise JsonSchemaValueException("no")
                        for data__type_x, data__type_item in enumerate(data__type):
                            validate____defs_wire_type(data__type_item, custom_formats)
                    data__type_one_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__type_one_of_count1 != 1:
                raise JsonSchemaValueException("no")
        if "nullable" in data_keys:
            data_keys.remove("nullable")
            data__nullable = data["nullable"]
            if not isinstance(data__nullable, (bool)):
                raise JsonSchemaValueException("no")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "default" in data_keys:
            data_keys.remove("default")
            data__default = data["default"]
        if "enum" in data_keys:
            data_keys.remove("enum")
            data__enum = data["enum"]
            if not isinstance(data__enum, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__enum_is_list = isinstance(data__enum, (list, tuple))
            if data__enum_is_list:
                data__enum_len = len(data__enum)
                if data__enum_len < 1:
                    raise JsonSchemaValueException("no")
                for data__enum_x, data__enum_item in enumerate(data__enum):
                    validate____defs_enum_value(data__enum_item, custom_formats)
        if "min_length" in data_keys:
            data_keys.remove("min_length")
            data__minlength = data["min_length"]
            validate____defs_non_negative_integer(data__minlength, custom_formats)
        if "max_length" in data_keys:
            data_keys.remove("max_length")
            data__maxlength = data["max_length"]
            validate____defs_non_negative_integer(data__maxlength, custom_formats)
        if "max_bytes" in data_keys:
            data_keys.remove("max_bytes")
            data__maxbytes = data["max_bytes"]
            validate____defs_non_negative_integer(data__maxbytes, custom_formats)
        if "pattern" in data_keys:
            data_keys.remove("pattern")
            data__pattern = data["pattern"]
            if not isinstance(data__pattern, (str)):
                raise JsonSchemaValueException("no")
        if "forbidden_chars" in data_keys:
            data_keys.remove("forbidden_chars")
            data__forbiddenchars = data["forbidden_chars"]
            if not isinstance(data__forbiddenchars, (str)):
                raise JsonSchemaValueException("no")
        if "format" in data_keys:
            data_keys.remove("format")
            data__format = data["format"]
            if not (isinstance(data__format, str) and data__format == 'date' or isinstance(data__format, str) and data__format == 'time' or isinstance(data__format, str) and data__format == 'datetime'):
                raise JsonSchemaValueException("no")
        if "minimum" in data_keys:
            data_keys.remove("minimum")
            data__minimum = data["minimum"]
            if not isinstance(data__minimum, (int, float, Decimal)) or isinstance(data__minimum, bool):
                raise JsonSchemaValueException("no")
        if "maximum" in data_keys:
            data_keys.remove("maximum")
            data__maximum = data["maximum"]
            if not isinstance(data__maximum, (int, float, Decimal)) or isinstance(data__maximum, bool):
                raise JsonSchemaValueException("no")
        if "exclusive_minimum" in data_keys:
            data_keys.remove("exclusive_minimum")
            data__exclusiveminimum = data["exclusive_minimum"]
            if not isinstance(data__exclusiveminimum, (int, float, Decimal)) or isinstance(data__exclusiveminimum, bool):
                raise JsonSchemaValueException("no")
        if "exclusive_maximum" in data_keys:
            data_keys.remove("exclusive_maximum")
            data__exclusivemaximum = data["exclusive_maximum"]
            if not isinstance(data__exclusivemaximum, (int, float, Decimal)) or isinstance(data__exclusivemaximum, bool):
                raise JsonSchemaValueException("no")
        if "items" in data_keys:
            data_keys.remove("items")
            data__items = data["items"]
            validate____defs_schema(data__items, custom_formats)
        if "min_items" in data_keys:
            data_keys.remove("min_items")
            data__minitems = data["min_items"]
            validate____defs_non_negative_integer(data__minitems, custom_formats)
        if "max_items" in data_keys:
            data_keys.remove("max_items")
            data__maxitems = data["max_items"]
            validate____defs_non_negative_integer(data__maxitems, custom_formats)
        if "unique_by" in data_keys:
            data_keys.remove("unique_by")
            data__uniqueby = data["unique_by"]
            validate____defs_text(data__uniqueby, custom_formats)
        if "unique" in data_keys:
            data_keys.remove("unique")
            data__unique = data["unique"]
            if not isinstance(data__unique, (bool)):
                raise JsonSchemaValueException("no")
        if "ref" in data_keys:
            data_keys.remove("ref")
            data__ref = data["ref"]
            validate____defs_type_name(data__ref, custom_formats)
        if "properties" in data_keys:
            data_keys.remove("properties")
            data__properties = data["properties"]
            if not isinstance(data__properties, (dict)):
                raise JsonSchemaValueException("no")
            data__properties_is_dict = isinstance(data__properties, dict)
            if data__properties_is_dict:
                data__properties_keys = set(data__properties.keys())
                for data__properties_key in data__properties_keys:
                    if data__properties_key not in []:
                        data__properties_value = data__properties.get(data__properties_key)
                        validate____defs_property(data__properties_value, custom_formats)
                        data__properties_value_is_dict = isinstance(data__properties_value, dict)
                        if data__properties_value_is_dict:
                            data__properties_value__missing_keys = set(['source']) - data__properties_value.keys()
                            if data__properties_value__missing_keys:
                                raise JsonSchemaValueException("no")
                data__properties_len = len(data__properties)
                if data__properties_len != 0:
                    data__properties_property_names = True
                    for data__properties_key in data__properties:
                        try:
                            if isinstance(data__properties_key, str):
                                data__properties_key_len = len(data__properties_key)
                                if data__properties_key_len < 1:
                                    raise JsonSchemaValueException("no")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__properties_property_names = False
                    if not data__properties_property_names:
                        raise JsonSchemaValueException("no")
        if "exactly_one_of" in data_keys:
            data_keys.remove("exactly_one_of")
            data__exactlyoneof = data["exactly_one_of"]
            if not isinstance(data__exactlyoneof, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__exactlyoneof_is_list = isinstance(data__exactlyoneof, (list, tuple))
            if data__exactlyoneof_is_list:
                data__exactlyoneof_len = len(data__exactlyoneof)
                if data__exactlyoneof_len < 2:
                    raise JsonSchemaValueException("no")
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                if data__exactlyoneof_len > len(set(fn(data__exactlyoneof_x) for data__exactlyoneof_x in data__exactlyoneof)):
                    raise JsonSchemaValueException("no")
                for data__exactlyoneof_x, data__exactlyoneof_item in enumerate(data__exactlyoneof):
                    validate____defs_text(data__exactlyoneof_item, custom_formats)
        if "dependent_required" in data_keys:
            data_keys.remove("dependent_required")
            data__dependentrequired = data["dependent_required"]
            if not isinstance(data__dependentrequired, (dict)):
                raise JsonSchemaValueException("no")
            data__dependentrequired_is_dict = isinstance(data__dependentrequired, dict)
            if data__dependentrequired_is_dict:
                data__dependentrequired_keys = set(data__dependentrequired.keys())
                for data__dependentrequired_key in data__dependentrequired_keys:
                    if data__dependentrequired_key not in []:
                        data__dependentrequired_value = data__dependentrequired.get(data__dependentrequired_key)
                        if not isinstance(data__dependentrequired_value, (list, tuple)):
                            raise JsonSchemaValueException("no")
                        data__dependentrequired_value_is_list = isinstance(data__dependentrequired_value, (list, tuple))
                        if data__dependentrequired_value_is_list:
                            data__dependentrequired_value_len = len(data__dependentrequired_value)
                            if data__dependentrequired_value_len < 1:
                                raise JsonSchemaValueException("no")
                            def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                            if data__dependentrequired_value_len > len(set(fn(data__dependentrequired_value_x) for data__dependentrequired_value_x in data__dependentrequired_value)):
                                raise JsonSchemaValueException("no")
                            for data__dependentrequired_value_x, data__dependentrequired_value_item in enumerate(data__dependentrequired_value):
                                validate____defs_text(data__dependentrequired_value_item, custom_formats)
        if "must_match" in data_keys:
            data_keys.remove("must_match")
            data__mustmatch = data["must_match"]
            validate____defs_wildcard_pointer(data__mustmatch, custom_formats)
        if "codes" in data_keys:
            data_keys.remove("codes")
            data__codes = data["codes"]
            validate____defs_rule_code_map(data__codes, custom_formats)
        if "required" in data_keys:
            data_keys.remove("required")
            data__required = data["required"]
            if not isinstance(data__required, (bool)):
                raise JsonSchemaValueException("no")
        if "required_if" in data_keys:
            data_keys.remove("required_if")
            data__requiredif = data["required_if"]
            if not isinstance(data__requiredif, (dict)):
                raise JsonSchemaValueException("no")
            data__requiredif_is_dict = isinstance(data__requiredif, dict)
            if data__requiredif_is_dict:
                data__requiredif__missing_keys = set(['field', 'equals']) - data__requiredif.keys()
                if data__requiredif__missing_keys:
                    raise JsonSchemaValueException("no")
                data__requiredif_keys = set(data__requiredif.keys())
                if "field" in data__requiredif_keys:
                    data__requiredif_keys.remove("field")
                    data__requiredif__field = data__requiredif["field"]
                    validate____defs_text(data__requiredif__field, custom_formats)
                if "equals" in data__requiredif_keys:
                    data__requiredif_keys.remove("equals")
                    data__requiredif__equals = data__requiredif["equals"]
                    if not isinstance(data__requiredif__equals, (str, int, int, float, Decimal, bool, NoneType)) and not (isinstance(data__requiredif__equals, float) and data__requiredif__equals.is_integer()):
                        raise JsonSchemaValueException("no")
                if data__requiredif_keys:
                    raise JsonSchemaValueException("no")
        if "inferred" in data_keys:
            data_keys.remove("inferred")
            data__inferred = data["inferred"]
            if not isinstance(data__inferred, (bool)):
                raise JsonSchemaValueException("no")
        if "python_name" in data_keys:
            data_keys.remove("python_name")
            data__pythonname = data["python_name"]
            validate____defs_identifier(data__pythonname, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_wildcard_pointer(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^/.*$'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_non_negative_integer(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("no")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_enum_value(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['value', 'meaning']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "value" in data_keys:
            data_keys.remove("value")
            data__value = data["value"]
            if not isinstance(data__value, (str, int, int, float, Decimal, bool, NoneType)) and not (isinstance(data__value, float) and data__value.is_integer()):
                raise JsonSchemaValueException("no")
        if "meaning" in data_keys:
            data_keys.remove("meaning")
            data__meaning = data["meaning"]
            if not isinstance(data__meaning, (str)):
                raise JsonSchemaValueException("no")
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_wire_type(data, custom_formats={}, name_prefix=None):
    if not (isinstance(data, str) and data == 'string' or isinstance(data, str) and data == 'integer' or isinstance(data, str) and data == 'number' or isinstance(data, str) and data == 'boolean' or isinstance(data, str) and data == 'array' or isinstance(data, str) and data == 'object' or isinstance(data, str) and data == 'null' or isinstance(data, str) and data == 'any' or isinstance(data, str) and data == 'integer_string'):
        raise JsonSchemaValueException("no")
    return data

def validate____defs_operation(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['summary', 'source', 'method', 'path', 'creates', 'request', 'response']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "summary" in data_keys:
            data_keys.remove("summary")
            data__summary = data["summary"]
            validate____defs_text(data__summary, custom_formats)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "method" in data_keys:
            data_keys.remove("method")
            data__method = data["method"]
            if not (isinstance(data__method, str) and data__method == 'GET' or isinstance(data__method, str) and data__method == 'POST' or isinstance(data__method, str) and data__method == 'PUT' or isinstance(data__method, str) and data__method == 'PATCH' or isinstance(data__method, str) and data__method == 'DELETE'):
                raise JsonSchemaValueException("no")
        if "path" in data_keys:
            data_keys.remove("path")
            data__path = data["path"]
            if not isinstance(data__path, (str)):
                raise JsonSchemaValueException("no")
            if isinstance(data__path, str):
                if not REGEX_PATTERNS['^/'].search(data__path):
                    raise JsonSchemaValueException("no")
        if "query" in data_keys:
            data_keys.remove("query")
            data__query = data["query"]
            if not isinstance(data__query, (dict)):
                raise JsonSchemaValueException("no")
            data__query_is_dict = isinstance(data__query, dict)
            if data__query_is_dict:
                data__query_keys = set(data__query.keys())
                for data__query_key in data__query_keys:
                    if data__query_key not in []:
                        data__query_value = data__query.get(data__query_key)
                        if not isinstance(data__query_value, (str)):
                            raise JsonSchemaValueException("no")
        if "path_params" in data_keys:
            data_keys.remove("path_params")
            data__pathparams = data["path_params"]
            if not isinstance(data__pathparams, (dict)):
                raise JsonSchemaValueException("no")
            data__pathparams_is_dict = isinstance(data__pathparams, dict)
            if data__pathparams_is_dict:
                data__pathparams_keys = set(data__pathparams.keys())
                for data__pathparams_key in data__pathparams_keys:
                    if data__pathparams_key not in []:
                        data__pathparams_value = data__pathparams.get(data__pathparams_key)
                        validate____defs_schema(data__pathparams_value, custom_formats)
                        data__pathparams_value_is_dict = isinstance(data__pathparams_value, dict)
                        if data__pathparams_value_is_dict:
                            data__pathparams_value__missing_keys = set(['source']) - data__pathparams_value.keys()
                            if data__pathparams_value__missing_keys:
                                raise JsonSchemaValueException("no")
        if "headers" in data_keys:
            data_keys.remove("headers")
            data__headers = data["headers"]
            if not isinstance(data__headers, (dict)):
                raise JsonSchemaValueException("no")
            data__headers_is_dict = isinstance(data__headers, dict)
            if data__headers_is_dict:
                data__headers_keys = set(data__headers.keys())
                for data__headers_key in data__headers_keys:
                    if data__headers_key not in []:
                        data__headers_value = data__headers.get(data__headers_key)
                        validate____defs_header(data__headers_value, custom_formats)
                data__headers_len = len(data__headers)
                if data__headers_len != 0:
                    data__headers_property_names = True
                    for data__headers_key in data__headers:
                        try:
                            if isinstance(data__headers_key, str):
                                if not REGEX_PATTERNS['^[A-Za-z0-9-]+$'].search(data__headers_key):
                                    raise JsonSchemaValueException("no")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__headers_property_names = False
                    if not data__headers_property_names:
                        raise JsonSchemaValueException("no")
        if "creates" in data_keys:
            data_keys.remove("creates")
            data__creates = data["creates"]
            if not isinstance(data__creates, (bool)):
                raise JsonSchemaValueException("no")
        if "batch" in data_keys:
            data_keys.remove("batch")
            data__batch = data["batch"]
            if not isinstance(data__batch, (dict)):
                raise JsonSchemaValueException("no")
            data__batch_is_dict = isinstance(data__batch, dict)
            if data__batch_is_dict:
                data__batch__missing_keys = set(['field']) - data__batch.keys()
                if data__batch__missing_keys:
                    raise JsonSchemaValueException("no")
                data__batch_keys = set(data__batch.keys())
                if "field" in data__batch_keys:
                    data__batch_keys.remove("field")
                    data__batch__field = data__batch["field"]
                    validate____defs_text(data__batch__field, custom_formats)
                if data__batch_keys:
                    raise JsonSchemaValueException("no")
        if "paging" in data_keys:
            data_keys.remove("paging")
            data__paging = data["paging"]
            if not isinstance(data__paging, (dict)):
                raise JsonSchemaValueException("no")
            data__paging_is_dict = isinstance(data__paging, dict)
            if data__paging_is_dict:
                data__paging__missing_keys = set(['page', 'items']) - data__paging.keys()
                if data__paging__missing_keys:
                    raise JsonSchemaValueException("no")
                data__paging_keys = set(data__paging.keys())
                if "page" in data__paging_keys:
                    data__paging_keys.remove("page")
                    data__paging__page = data__paging["page"]
                    validate____defs_text(data__paging__page, custom_formats)
                if "page_size" in data__paging_keys:
                    data__paging_keys.remove("page_size")
                    data__paging__pagesize = data__paging["page_size"]
                    validate____defs_text(data__paging__pagesize, custom_formats)
                if "items" in data__paging_keys:
                    data__paging_keys.remove("items")
                    data__paging__items = data__paging["items"]
                    validate____defs_pointer(data__paging__items, custom_formats)
                if "total_pages" in data__paging_keys:
                    data__paging_keys.remove("total_pages")
                    data__paging__totalpages = data__paging["total_pages"]
                    validate____defs_pointer(data__paging__totalpages, custom_formats)
                if "total_items" in data__paging_keys:
                    data__paging_keys.remove("total_items")
                    data__paging__totalitems = data__paging["total_items"]
                    validate____defs_pointer(data__paging__totalitems, custom_formats)
                if "first_page" in data__paging_keys:
                    data__paging_keys.remove("first_page")
                    data__paging__firstpage = data__paging["first_page"]
                    validate____defs_non_negative_integer(data__paging__firstpage, custom_formats)
                if "note" in data__paging_keys:
                    data__paging_keys.remove("note")
                    data__paging__note = data__paging["note"]
                    validate____defs_identifier(data__paging__note, custom_formats)
                if data__paging_keys:
                    raise JsonSchemaValueException("no")
        if "arguments_at" in data_keys:
            data_keys.remove("arguments_at")
            data__argumentsat = data["arguments_at"]
            validate____defs_pointer(data__argumentsat, custom_formats)
        if "request" in data_keys:
            data_keys.remove("request")
            data__request = data["request"]
            validate____defs_object_schema(data__request, custom_formats)
        if "response" in data_keys:
            data_keys.remove("response")
            data__response = data["response"]
            validate____defs_object_schema(data__response, custom_formats)
        if "error_codes" in data_keys:
            data_keys.remove("error_codes")
            data__errorcodes = data["error_codes"]
            if not isinstance(data__errorcodes, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__errorcodes_is_list = isinstance(data__errorcodes, (list, tuple))
            if data__errorcodes_is_list:
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                data__errorcodes_len = len(data__errorcodes)
                if data__errorcodes_len > len(set(fn(data__errorcodes_x) for data__errorcodes_x in data__errorcodes)):
                    raise JsonSchemaValueException("no")
                for data__errorcodes_x, data__errorcodes_item in enumerate(data__errorcodes):
                    validate____defs_code(data__errorcodes_item, custom_formats)
        if "guard" in data_keys:
            data_keys.remove("guard")
            data__guard = data["guard"]
            if not isinstance(data__guard, (dict)):
                raise JsonSchemaValueException("no")
            data__guard_is_dict = isinstance(data__guard, dict)
            if data__guard_is_dict:
                data__guard__missing_keys = set(['unless_any_of', 'confirm']) - data__guard.keys()
                if data__guard__missing_keys:
                    raise JsonSchemaValueException("no")
                data__guard_keys = set(data__guard.keys())
                if "unless_any_of" in data__guard_keys:
                    data__guard_keys.remove("unless_any_of")
                    data__guard__unlessanyof = data__guard["unless_any_of"]
                    if not isinstance(data__guard__unlessanyof, (list, tuple)):
                        raise JsonSchemaValueException("no")
                    data__guard__unlessanyof_is_list = isinstance(data__guard__unlessanyof, (list, tuple))
                    if data__guard__unlessanyof_is_list:
                        data__guard__unlessanyof_len = len(data__guard__unlessanyof)
                        if data__guard__unlessanyof_len < 1:
                            raise JsonSchemaValueException("no")
                        def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                        if data__guard__unlessanyof_len > len(set(fn(data__guard__unlessanyof_x) for data__guard__unlessanyof_x in data__guard__unlessanyof)):
                            raise JsonSchemaValueException("no")
                        for data__guard__unlessanyof_x, data__guard__unlessanyof_item in enumerate(data__guard__unlessanyof):
                            data__guard__unlessanyof_item_one_of_count2 = 0
                            if data__guard__unlessanyof_item_one_of_count2 < 2:
                                try:
                                    validate____defs_text(data__guard__unlessanyof_item, custom_formats)
                                    data__guard__unlessanyof_item_one_of_count2 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data__guard__unlessanyof_item_one_of_count2 < 2:
                                try:
                                    if not isinstance(data__guard__unlessanyof_item, (list, tuple)):
                                        raise JsonSchemaValueException("no")
                                    data__guard__unlessanyof_item_is_list = isinstance(data__guard__unlessanyof_item, (list, tuple))
                                    if data__guard__unlessanyof_item_is_list:
                                        data__guard__unlessanyof_item_len = len(data__guard__unlessanyof_item)
                                        if data__guard__unlessanyof_item_len < 2:
                                            raise JsonSchemaValueException("no")
                                        def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                                        if data__guard__unlessanyof_item_len > len(set(fn(data__guard__unlessanyof_item_x) for data__guard__unlessanyof_item_x in data__guard__unlessanyof_item)):
                                            raise JsonSchemaValueException("no")
                                        for data__guard__unlessanyof_item_x, data__guard__unlessanyof_item_item in enumerate(data__guard__unlessanyof_item):
                                            validate____defs_text(data__guard__unlessanyof_item_item, custom_formats)
                                    data__guard__unlessanyof_item_one_of_count2 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data__guard__unlessanyof_item_one_of_count2 != 1:
                                raise JsonSchemaValueException("no")
                if "confirm" in data__guard_keys:
                    data__guard_keys.remove("confirm")
                    data__guard__confirm = data__guard["confirm"]
                    validate____defs_identifier(data__guard__confirm, custom_formats)
                if "note" in data__guard_keys:
                    data__guard_keys.remove("note")
                    data__guard__note = data__guard["note"]
                    validate____defs_identifier(data__guard__note, custom_formats)
                if data__guard_keys:
                    raise JsonSchemaValueException("no")
        if "examples" in data_keys:
            data_keys.remove("examples")
            data__examples = data["examples"]
            if not isinstance(data__examples, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__examples_is_list = isinstance(data__examples, (list, tuple))
            if data__examples_is_list:
                data__examples_len = len(data__examples)
                for data__examples_x, data__examples_item in enumerate(data__examples):
                    validate____defs_example(data__examples_item, custom_formats)
                    data__examples_item_is_dict = isinstance(data__examples_item, dict)
                    if data__examples_item_is_dict:
                        data__examples_item__missing_keys = set(['kind']) - data__examples_item.keys()
                        if data__examples_item__missing_keys:
                            raise JsonSchemaValueException("no")
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_header(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_any_of_count3 = 0
    if not data_any_of_count3:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['value']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("no")
            data_any_of_count3 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count3:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['credential']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("no")
            data_any_of_count3 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count3:
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['source']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "value" in data_keys:
            data_keys.remove("value")
            data__value = data["value"]
            if not isinstance(data__value, (str)):
                raise JsonSchemaValueException("no")
        if "credential" in data_keys:
            data_keys.remove("credential")
            data__credential = data["credential"]
            if not isinstance(data__credential, (bool)):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_type_name(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Z][A-Za-z0-9]*$'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_type_def(data, custom_formats={}, name_prefix=None):
    validate____defs_schema(data, custom_formats)
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['properties']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not (isinstance(data__type, str) and data__type == 'object'):
                raise JsonSchemaValueException("no")
    return data

def validate____defs_rule_code_map(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        for data_key in data_keys:
            if data_key not in []:
                data_value = data.get(data_key)
                validate____defs_code(data_value, custom_formats)
        data_len = len(data)
        if data_len != 0:
            data_property_names = True
            for data_key in data:
                try:
                    validate____defs_rule(data_key, custom_formats)
                except (JsonSchemaValueException, JsonSchemaValuesException):
                    data_property_names = False
            if not data_property_names:
                raise JsonSchemaValueException("no")
    return data

def validate____defs_error_code(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['code', 'name', 'texts']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "code" in data_keys:
            data_keys.remove("code")
            data__code = data["code"]
            validate____defs_code(data__code, custom_formats)
        if "name" in data_keys:
            data_keys.remove("name")
            data__name = data["name"]
            validate____defs_error_code_name(data__name, custom_formats)
        if "texts" in data_keys:
            data_keys.remove("texts")
            data__texts = data["texts"]
            if not isinstance(data__texts, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__texts_is_list = isinstance(data__texts, (list, tuple))
            if data__texts_is_list:
                data__texts_len = len(data__texts)
                if data__texts_len < 1:
                    raise JsonSchemaValueException("no")
                for data__texts_x, data__texts_item in enumerate(data__texts):
                    if not isinstance(data__texts_item, (dict)):
                        raise JsonSchemaValueException("no")
                    data__texts_item_is_dict = isinstance(data__texts_item, dict)
                    if data__texts_item_is_dict:
                        data__texts_item__missing_keys = set(['source', 'text']) - data__texts_item.keys()
                        if data__texts_item__missing_keys:
                            raise JsonSchemaValueException("no")
                        data__texts_item_keys = set(data__texts_item.keys())
                        if "source" in data__texts_item_keys:
                            data__texts_item_keys.remove("source")
                            data__texts_item__source = data__texts_item["source"]
                            validate____defs_source(data__texts_item__source, custom_formats)
                        if "text" in data__texts_item_keys:
                            data__texts_item_keys.remove("text")
                            data__texts_item__text = data__texts_item["text"]
                            validate____defs_text(data__texts_item__text, custom_formats)
                        if data__texts_item_keys:
                            raise JsonSchemaValueException("no")
        if "operations" in data_keys:
            data_keys.remove("operations")
            data__operations = data["operations"]
            if not isinstance(data__operations, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__operations_is_list = isinstance(data__operations, (list, tuple))
            if data__operations_is_list:
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                data__operations_len = len(data__operations)
                if data__operations_len > len(set(fn(data__operations_x) for data__operations_x in data__operations)):
                    raise JsonSchemaValueException("no")
                for data__operations_x, data__operations_item in enumerate(data__operations):
                    validate____defs_identifier(data__operations_item, custom_formats)
        if "retryable" in data_keys:
            data_keys.remove("retryable")
            data__retryable = data["retryable"]
            if not isinstance(data__retryable, (bool)):
                raise JsonSchemaValueException("no")
        if "success" in data_keys:
            data_keys.remove("success")
            data__success = data["success"]
            if not isinstance(data__success, (bool)):
                raise JsonSchemaValueException("no")
        if "scope" in data_keys:
            data_keys.remove("scope")
            data__scope = data["scope"]
            if not (isinstance(data__scope, str) and data__scope == 'item' or isinstance(data__scope, str) and data__scope == 'data' or isinstance(data__scope, str) and data__scope == 'service'):
                raise JsonSchemaValueException("no")
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_error_code_name(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Z][A-Z0-9_]*$'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_envelope(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['code', 'message', 'success', 'source']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "code" in data_keys:
            data_keys.remove("code")
            data__code = data["code"]
            validate____defs_pointer(data__code, custom_formats)
        if "message" in data_keys:
            data_keys.remove("message")
            data__message = data["message"]
            validate____defs_pointer(data__message, custom_formats)
        if "data" in data_keys:
            data_keys.remove("data")
            data__data = data["data"]
            validate____defs_pointer(data__data, custom_formats)
        if "request_id" in data_keys:
            data_keys.remove("request_id")
            data__requestid = data["request_id"]
            validate____defs_pointer(data__requestid, custom_formats)
        if "success" in data_keys:
            data_keys.remove("success")
            data__success = data["success"]
            if not isinstance(data__success, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__success_is_list = isinstance(data__success, (list, tuple))
            if data__success_is_list:
                data__success_len = len(data__success)
                if data__success_len < 1:
                    raise JsonSchemaValueException("no")
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                if data__success_len > len(set(fn(data__success_x) for data__success_x in data__success)):
                    raise JsonSchemaValueException("no")
                for data__success_x, data__success_item in enumerate(data__success):
                    if not isinstance(data__success_item, (str, int)) and not (isinstance(data__success_item, float) and data__success_item.is_integer()) or isinstance(data__success_item, bool):
                        raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_auth(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['scheme']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("no")
            data_keys = set(data.keys())
            if "scheme" in data_keys:
                data_keys.remove("scheme")
                data__scheme = data["scheme"]
                if not (isinstance(data__scheme, str) and data__scheme == 'body_token'):
                    raise JsonSchemaValueException("no")
    except (JsonSchemaValueException, JsonSchemaValuesException):
        pass
    else:
        validate____defs_auth_body_token(data, custom_formats)
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['scheme']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("no")
            data_keys = set(data.keys())
            if "scheme" in data_keys:
                data_keys.remove("scheme")
                data__scheme = data["scheme"]
                if not (isinstance(data__scheme, str) and data__scheme == 'huawei_auth_v2'):
                    raise JsonSchemaValueException("no")
    except (JsonSchemaValueException, JsonSchemaValuesException):
        pass
    else:
        validate____defs_auth_huawei_auth_v2(data, custom_formats)
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['scheme']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("no")
            data_keys = set(data.keys())
            if "scheme" in data_keys:
                data_keys.remove("scheme")
                data__scheme = data["scheme"]
                if not (isinstance(data__scheme, str) and data__scheme == 'rsa_sha256_headers'):
                    raise JsonSchemaValueException("no")
    except (JsonSchemaValueException, JsonSchemaValuesException):
        pass
    else:
        validate____defs_auth_rsa_sha256_headers(data, custom_formats)
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['scheme', 'source']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "scheme" in data_keys:
            data_keys.remove("scheme")
            data__scheme = data["scheme"]
            if not (isinstance(data__scheme, str) and data__scheme == 'body_token' or isinstance(data__scheme, str) and data__scheme == 'huawei_auth_v2' or isinstance(data__scheme, str) and data__scheme == 'rsa_sha256_headers'):
                raise JsonSchemaValueException("no")
    return data

def validate____defs_auth_rsa_sha256_headers(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['scheme', 'source', 'app_id_header', 'timestamp_header', 'sign_header']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "scheme" in data_keys:
            data_keys.remove("scheme")
            data__scheme = data["scheme"]
            if not (isinstance(data__scheme, str) and data__scheme == 'rsa_sha256_headers'):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "app_id_header" in data_keys:
            data_keys.remove("app_id_header")
            data__appidheader = data["app_id_header"]
            validate____defs_text(data__appidheader, custom_formats)
        if "timestamp_header" in data_keys:
            data_keys.remove("timestamp_header")
            data__timestampheader = data["timestamp_header"]
            validate____defs_text(data__timestampheader, custom_formats)
        if "sign_header" in data_keys:
            data_keys.remove("sign_header")
            data__signheader = data["sign_header"]
            validate____defs_text(data__signheader, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_auth_huawei_auth_v2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['scheme', 'source', 'header']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "scheme" in data_keys:
            data_keys.remove("scheme")
            data__scheme = data["scheme"]
            if not (isinstance(data__scheme, str) and data__scheme == 'huawei_auth_v2'):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "header" in data_keys:
            data_keys.remove("header")
            data__header = data["header"]
            validate____defs_text(data__header, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_auth_body_token(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['scheme', 'source', 'body_field']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "scheme" in data_keys:
            data_keys.remove("scheme")
            data__scheme = data["scheme"]
            if not (isinstance(data__scheme, str) and data__scheme == 'body_token'):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "body_field" in data_keys:
            data_keys.remove("body_field")
            data__bodyfield = data["body_field"]
            validate____defs_pointer(data__bodyfield, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_base_url(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['documented', 'source']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "documented" in data_keys:
            data_keys.remove("documented")
            data__documented = data["documented"]
            if not isinstance(data__documented, (str, NoneType)):
                raise JsonSchemaValueException("no")
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if "note" in data_keys:
            data_keys.remove("note")
            data__note = data["note"]
            validate____defs_identifier(data__note, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_seed_id(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[0-9]{3}$'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_seed(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['file', 'title']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "file" in data_keys:
            data_keys.remove("file")
            data__file = data["file"]
            validate____defs_text(data__file, custom_formats)
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            validate____defs_text(data__title, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_release(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['version', 'changes']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "version" in data_keys:
            data_keys.remove("version")
            data__version = data["version"]
            validate____defs_semver(data__version, custom_formats)
        if "changes" in data_keys:
            data_keys.remove("changes")
            data__changes = data["changes"]
            if not isinstance(data__changes, (list, tuple)):
                raise JsonSchemaValueException("no")
            data__changes_is_list = isinstance(data__changes, (list, tuple))
            if data__changes_is_list:
                data__changes_len = len(data__changes)
                if data__changes_len < 1:
                    raise JsonSchemaValueException("no")
                for data__changes_x, data__changes_item in enumerate(data__changes):
                    validate____defs_release_change(data__changes_item, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_release_change(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("no")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['change', 'why', 'source']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("no")
        data_keys = set(data.keys())
        if "kind" in data_keys:
            data_keys.remove("kind")
            data__kind = data["kind"]
            if not (isinstance(data__kind, str) and data__kind == 'breaking' or isinstance(data__kind, str) and data__kind == 'compatible' or isinstance(data__kind, str) and data__kind == 'documentation'):
                raise JsonSchemaValueException("no")
        if "change" in data_keys:
            data_keys.remove("change")
            data__change = data["change"]
            validate____defs_text(data__change, custom_formats)
        if "why" in data_keys:
            data_keys.remove("why")
            data__why = data["why"]
            validate____defs_text(data__why, custom_formats)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate____defs_source(data__source, custom_formats)
        if data_keys:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_semver(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$'].search(data):
            raise JsonSchemaValueException("no")
    return data

def validate____defs_text(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException("no")
    return data

def validate____defs_identifier(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("no")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[a-z][a-z0-9_]*$'].search(data):
            raise JsonSchemaValueException("no")
    return data