"""graphql-core's executor, specialised for a schema whose resolvers are all synchronous.

The stock `ExecutionContext` supports async resolvers: it tests every
resolved value, every completed value and every list item for being
awaitable, and finds each value's kind with a chain of `isinstance` tests.
None of our resolvers is async, and a full page is a few hundred values, so
those tests were a large part of answering a request. This context skips
them; everything else (errors located and nulled per the spec, non-null
propagation, abstract types, argument coercion) is graphql-core's own code.
"""

from functools import partial

from graphene.types.resolver import dict_or_attr_resolver
from graphql import (
    GraphQLError,
    GraphQLList,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    located_error,
)
from graphql.execution import ExecutionContext
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, is_iterable

NON_NULL, LIST, LEAF, ABSTRACT, OBJECT = range(5)
_kinds: dict[type, int] = {}


def _kind(type_) -> int:
    cls = type(type_)
    kind = _kinds.get(cls)
    if kind is None:
        checks = ((is_non_null_type, NON_NULL), (is_list_type, LIST), (is_leaf_type, LEAF))
        checks += ((is_abstract_type, ABSTRACT), (is_object_type, OBJECT))
        kind = _kinds[cls] = next(k for check, k in checks if check(type_))
    return kind


# (abstract type, what its type resolver returned) -> the object type, once validated
_runtime_types: dict[tuple, object] = {}


def never_awaitable(value) -> bool:
    return False


# (parent type, field name) -> (attribute, default, serialize, non-null) for plain attribute leaves, else None
_plain_leaves: dict[tuple, tuple | None] = {}


def _plain_leaf(parent_type, name: str):
    """How to read a leaf field whose resolver is graphene's default attribute (or key) lookup."""
    key = (parent_type, name)
    if key not in _plain_leaves:
        found = None
        field_def = parent_type.fields.get(name)
        resolve = field_def.resolve if field_def is not None else None
        if isinstance(resolve, partial) and resolve.func is dict_or_attr_resolver and not field_def.args:
            non_null = is_non_null_type(field_def.type)
            inner = field_def.type.of_type if non_null else field_def.type
            if is_leaf_type(inner):
                attname, default = resolve.args
                found = (attname, default, inner.serialize, non_null)
        _plain_leaves[key] = found
    return _plain_leaves[key]


class SyncExecutionContext(ExecutionContext):
    def _plan(self, parent_type, fields) -> list:
        """(response name, field nodes, plain leaf or None) for each field of a collected selection."""
        # Only selections the document keeps (`shared_subfields`) have plans kept with it; any other
        # (the root selection is collected afresh by every request) gets one for this request only.
        shared = self.shared_plans is not None and id(fields) in self.shared_selections
        plans = self.shared_plans if shared else self.__dict__.setdefault("_plans", {})
        # Middleware must see every field, so with it nothing takes the plain-leaf path.
        plain = self.middleware_manager is None
        key = (id(fields), plain)
        found = plans.get(key)
        if found is None:
            steps = [
                (name, nodes, _plain_leaf(parent_type, nodes[0].name.value) if plain else None)
                for name, nodes in fields.items()
            ]
            found = plans[key] = steps
        return found

    def execute_fields(self, parent_type, source_value, path, fields):
        results = {}
        execute_field = self.execute_field
        type_name = parent_type.name
        for response_name, field_nodes, leaf in self._plan(parent_type, fields):
            if leaf is not None:
                # An attribute read and a serialize call: no resolve info or path needed unless it fails,
                # in which case the field runs again the standard way to report the error exactly.
                attname, default, serialize, non_null = leaf
                try:
                    if isinstance(source_value, dict):
                        value = source_value.get(attname, default)
                    else:
                        value = getattr(source_value, attname, default)
                    if value is None or value is Undefined:
                        serialized = None if not non_null else Undefined
                    else:
                        serialized = serialize(value)
                        if serialized is None:
                            serialized = Undefined
                except Exception:
                    serialized = Undefined
                if serialized is not Undefined:
                    results[response_name] = serialized
                    continue
            result = execute_field(parent_type, source_value, field_nodes, Path(path, response_name, type_name))
            if result is not Undefined:
                results[response_name] = result
        return results

    def execute_field(self, parent_type, source, field_nodes, path):
        field_def = parent_type.fields.get(field_nodes[0].name.value)
        if field_def is None:
            # Introspection fields (__typename and friends) live outside `fields`.
            return super().execute_field(parent_type, source, field_nodes, path)
        return_type = field_def.type
        resolve_fn = field_def.resolve or self.field_resolver
        if self.middleware_manager:
            resolve_fn = self.middleware_manager.get_field_resolver(resolve_fn)
        info = self.build_resolve_info(field_def, field_nodes, parent_type, path)
        try:
            args = get_argument_values(field_def, field_nodes[0], self.variable_values) if field_def.args else {}
            result = resolve_fn(source, info, **args)
            return self.complete_value(return_type, field_nodes, info, path, result)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, return_type, path)
            return None

    def complete_value(self, return_type, field_nodes, info, path, result):
        if isinstance(result, Exception):
            raise result
        kind = _kind(return_type)
        if kind == NON_NULL:
            inner = return_type.of_type
            if _kind(inner) == LEAF and result is not None and result is not Undefined:
                # The common case in one step; anything irregular takes the general path below.
                try:
                    serialized = inner.serialize(result)
                except Exception:
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
            completed = self.complete_value(return_type.of_type, field_nodes, info, path, result)
            if completed is None:
                raise TypeError(f"Cannot return null for non-nullable field {info.parent_type.name}.{info.field_name}.")
            return completed
        if result is None or result is Undefined:
            return None
        if kind == LEAF:
            return self.complete_leaf_value(return_type, result)
        if kind == LIST:
            return self.complete_list_value(return_type, field_nodes, info, path, result)
        if kind == ABSTRACT:
            return self.complete_abstract_value(return_type, field_nodes, info, path, result)
        return self.complete_object_value(return_type, field_nodes, info, path, result)

    def complete_abstract_value(self, return_type, field_nodes, info, path, result):
        resolve_type = return_type.resolve_type or self.type_resolver
        runtime_type = resolve_type(result, info, return_type)
        key = (return_type, runtime_type)
        object_type = _runtime_types.get(key)
        if object_type is None:
            # graphql-core's checks (a known object type, a possible type of the abstract one), once per pair.
            object_type = self.ensure_valid_runtime_type(runtime_type, return_type, field_nodes, info, result)
            _runtime_types[key] = object_type
        return self.complete_object_value(object_type, field_nodes, info, path, result)

    def complete_list_value(self, return_type: GraphQLList, field_nodes, info, path, result):
        if not is_iterable(result):
            raise GraphQLError(
                f"Expected Iterable, but did not find one for field '{info.parent_type.name}.{info.field_name}'."
            )
        item_type = return_type.of_type
        complete_value = self.complete_value
        completed = []
        append = completed.append
        for index, item in enumerate(result):
            item_path = path.add_key(index, None)
            try:
                append(complete_value(item_type, field_nodes, info, item_path, item))
            except Exception as raw_error:
                error = located_error(raw_error, field_nodes, item_path.as_list())
                self.handle_field_error(error, item_type, item_path)
                append(None)
        return completed

    # Which fields a selection yields for a type is worked out once per request by graphql-core;
    # a prepared document can keep it for every request (`for_document`).
    shared_subfields: dict | None = None
    shared_plans: dict | None = None
    shared_selections: set = frozenset()

    def collect_subfields(self, return_type, field_nodes):
        shared = self.shared_subfields
        if shared is None:
            return super().collect_subfields(return_type, field_nodes)
        key = (return_type, *map(id, field_nodes))
        found = shared.get(key)
        if found is None:
            collected = super().collect_subfields(return_type, field_nodes)
            found = shared.setdefault(key, collected)
            if found is collected:
                # Kept as long as the document's class, so its id names it for as long. (A selection
                # collected by a concurrent first request loses `setdefault`, is freed, and is never named.)
                self.shared_selections.add(id(found))
        return found


def for_document(query: str) -> type[SyncExecutionContext]:
    """An executor class for one parsed document, kept with it (`api.documents`).

    Field collection depends on variables only through `@skip`/`@include`; a
    document without any directive shares it between requests. The keys are
    ids of the document's own nodes, which live exactly as long as this class.
    """
    if "@" in query:
        return SyncExecutionContext
    return type(
        "DocumentExecutionContext",
        (SyncExecutionContext,),
        {"shared_subfields": {}, "shared_plans": {}, "shared_selections": set()},
    )
