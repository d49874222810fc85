from pynamodb.attributes import ListAttribute, UnicodeAttribute

from chalicelib.core.db import Item


class SearchToken(Item, discriminator="SEARCH_TOKEN"):
    """One word of one searchable entity; a prefix Query on the word finds the entities."""

    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    title = UnicodeAttribute()
    project_id = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)
    private_to = UnicodeAttribute(null=True)

    SK_PREFIX = "SEARCH#"

    @classmethod
    def keys(cls, org_id: str, token: str, entity_type: str, entity_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{token}#{entity_type}#{entity_id}"


class SearchDocument(Item, discriminator="SEARCH_DOC"):
    """The words an entity is indexed under, so a re-index knows which tokens to remove."""

    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    tokens = ListAttribute(of=UnicodeAttribute, default=list)

    @staticmethod
    def keys(org_id: str, entity_type: str, entity_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"SEARCHDOC#{entity_type}#{entity_id}"
