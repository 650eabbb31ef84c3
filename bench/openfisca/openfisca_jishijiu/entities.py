"""Person and household (POLICY.md §3.5: the members of one household)."""
from openfisca_core.entities import build_entity

Person = build_entity(
    key="person",
    plural="persons",
    label="A member of a household",
    is_person=True,
)

Household = build_entity(
    key="household",
    plural="households",
    label="The co-resident members of one household (N in POLICY.md §3.2)",
    roles=[{"key": "member", "plural": "members", "label": "Member"}],
)

ENTITIES = [Person, Household]
