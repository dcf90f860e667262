"""Values for the fast executor, computed by graphql-core's and Strawberry's own functions.

Variables, arguments and @skip/@include are coerced by the same functions the plain path uses
(so list and input-object variables, operation defaults and bad input behave identically), and
an abstract type's runtime type comes from the type's own resolve_type.
"""

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from graphql import (
    FieldNode,
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLIncludeDirective,
    GraphQLSkipDirective,
    OperationDefinitionNode,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import is_awaitable
from strawberry.types.arguments import convert_arguments

from schema.fast_plan import FastQueryPlan, FieldPlan, StepAside


def coerce_variables(
    plan: FastQueryPlan, operation: OperationDefinitionNode, given: Mapping[str, Any]
) -> VariableValues:
    """Return the operation's variables as graphql-core coerces them; bad input steps aside."""
    coerced = get_variable_values(
        plan.graphql_schema, operation.variable_definitions or (), dict(given)
    )
    if isinstance(coerced, list):
        raise StepAside  # the plain path reports the variable errors
    return coerced


def is_included(node: Any, variables: VariableValues) -> bool:
    """Apply @skip and @include, as graphql-core's should_include_node does (it ignores the
    other directives, and so does this)."""
    if not node.directives:
        return True
    for directive in node.directives:
        name = directive.name.value
        if name == "skip":
            if get_argument_values(GraphQLSkipDirective, directive, variables)["if"]:
                return False
        elif name == "include":
            if not get_argument_values(GraphQLIncludeDirective, directive, variables)["if"]:
                return False
        elif name in ("defer", "stream"):
            raise StepAside  # incremental delivery is the plain path's
    return True


def resolver_arguments(
    plan: FastQueryPlan, field_def: Any, node: FieldNode, field_plan: FieldPlan, variables: Any
) -> dict[str, Any]:
    """Return the resolver's keyword arguments, converted as Strawberry converts them."""
    raw = get_argument_values(field_def, node, variables)
    return convert_arguments(
        raw,
        field_plan.arguments,
        scalar_registry=plan.scalar_registry,
        config=plan.schema.config,
    )


def runtime_type_name(
    plan: FastQueryPlan, abstract_type: GraphQLAbstractType, value: Any, context: Any, field: str
) -> str:
    """Return the object type an interface or union value is, as the plain path decides it."""
    resolve_type = abstract_type.resolve_type
    if resolve_type is None:
        raise StepAside
    # What graphql-core's default_type_resolver reads of `info` when no is_type_of awaits.
    info = SimpleNamespace(
        schema=plan.graphql_schema, context=context, field_name=field, is_awaitable=is_awaitable
    )
    name = resolve_type(value, info, abstract_type)  # type: ignore[arg-type]
    if is_awaitable(name) or not isinstance(name, str):
        raise StepAside
    return name


_ENUM_NAMES: dict[str, dict[Any, str]] = {}


def enum_names(enum_type: GraphQLEnumType) -> dict[Any, str]:
    """Return {internal value: GraphQL name}; a dict lookup instead of a serialize call."""
    names = _ENUM_NAMES.get(enum_type.name)
    if names is None:
        names = _ENUM_NAMES[enum_type.name] = {
            value.value: name for name, value in enum_type.values.items()
        }
    return names
