"""The back office's category form. Its rules are the category schemas."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..forms import SchemaForm, present

TOP_LEVEL = ""


def indented(tree_entries):
    """(category, depth) pairs as select choices, indented by depth."""
    return [SelectChoice(category.id, "\u2003" * (depth - 1) + category.name) for category, depth in tree_entries]


class CategoryForm(SchemaForm):
    name = StringField("Name")
    slug = StringField("Slug", description="The category page's address: lower-case letters, digits and dashes. "
                                           "Leave it empty to make one from the name.")
    parent_id = SelectField("Parent category", choices=[], validate_choice=False)  # choices: the view's
    description = TextAreaField("Description", description="Shown on the category's page and in search results.",
                                render_kw={"rows": 4})

    def set_parents(self, possible_parents):
        self.parent_id.choices = [SelectChoice(TOP_LEVEL, "None: a top-level category")] + indented(possible_parents)

    def schema_data(self):
        """What was typed: the name even when empty (a name is needed), the parent as None
        for a top-level category, the slug only when one is typed (else it is kept, or made)."""
        return {"name": self.name.data or "", "description": self.description.data or "",
                "parent_id": self.parent_id.data or None} | present(slug=self.slug.data)
