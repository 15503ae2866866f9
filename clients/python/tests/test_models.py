"""The dataclasses hold every field the control API answers: each is checked
against the OpenAPI document the server serves (GET /openapi.json), so a
field the server adds cannot be dropped here without a failing test."""
import dataclasses
import typing

import pytest

from pop3_mock import (
    CreatedRule,
    DeletedMessage,
    LocatedCommand,
    MessageInfo,
    Outcome,
    PendingRule,
    RuleStatus,
    Session,
    Status,
    TranscriptExport,
    UserMessages,
    UserSummary,
)
from pop3_mock.json_decode import snake_case

# operationId: the dataclass its 2xx answer (or each item of it) is read into.
MODELS = {
    'getStatus': Status,
    'listUsers': UserSummary,
    'putUser': UserMessages,
    'resetMailbox': UserMessages,
    'listMessages': MessageInfo,
    'deliver': MessageInfo,
    'listDeleted': DeletedMessage,
    'getOutcome': Outcome,
    'listRules': RuleStatus,
    'addRules': CreatedRule,
    'listPendingRules': PendingRule,
    'listSessions': TranscriptExport,
    'getSession': Session,
    'waitNextSession': Session,
    'waitSessionEnd': Session,
    'waitCommand': LocatedCommand,
}


def answers(document):
    """operationId: the JSON schema of its 2xx answer."""
    found = {}
    for operations in document['paths'].values():
        for operation in operations.values():
            for status, answer in operation['responses'].items():
                schema = answer.get('content', {}).get('application/json', {}).get('schema')
                if status.startswith('2') and schema is not None:
                    found[operation['operationId']] = schema
    return found


def object_schema(schema):
    """The object a schema describes: through arrays and `anyOf` with null."""
    if schema.get('type') == 'array':
        return object_schema(schema['items'])
    if 'anyOf' in schema:
        [present] = [s for s in schema['anyOf'] if s.get('type') != 'null']
        return object_schema(present)
    return schema


def dataclass_in(hint):
    """The dataclass a field's type names, through List[...] and Optional[...]; None for another type."""
    while not dataclasses.is_dataclass(hint):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            return None
        hint = args[0]
    return hint


def differences(kind, schema, where):
    """Keys the schema has and the dataclass lacks, and fields the schema has not, nested ones too."""
    properties = object_schema(schema).get('properties', {})
    fields = {f.name for f in dataclasses.fields(kind)}
    hints = typing.get_type_hints(kind)
    found = ['%s: no field for "%s"' % (where, key) for key in properties if snake_case(key) not in fields]
    found += ['%s: %s is not in the answer' % (where, name) for name in fields - {snake_case(k) for k in properties}]
    for key, sub in properties.items():
        nested = dataclass_in(hints.get(snake_case(key)))
        if nested is not None:
            found += differences(nested, sub, '%s.%s' % (where, key))
    return found


@pytest.fixture(scope='module')
def document(pop3_mock_session):
    return pop3_mock_session.openapi()


def test_every_model_is_checked(document):
    assert set(MODELS) <= set(answers(document))


@pytest.mark.parametrize('operation', sorted(MODELS))
def test_a_model_holds_every_field_of_its_answer(document, operation):
    assert differences(MODELS[operation], answers(document)[operation], operation) == []
