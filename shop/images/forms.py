"""Back-office image forms. Their rules are the image schemas (and the upload's checks)."""
from flask_wtf.file import FileField
from wtforms import StringField

from ..forms import SchemaForm, present, typed_integer
from ..products.images import ALT_MAX

ALT_HINT = f"What the image shows, for people who cannot see it (up to {ALT_MAX} characters)."


class ImageUploadForm(SchemaForm):
    file = FileField("Image", description="A JPEG, PNG or WebP of up to 10 MiB.",
                     render_kw={"accept": "image/jpeg,image/png,image/webp"})
    alt = StringField("Alt text", description=ALT_HINT)
    position = StringField("Position (optional)", description="0 puts it first; empty puts it last.",
                           render_kw={"inputmode": "numeric"})

    def schema_data(self):
        return present(alt=self.alt.data, position=typed_integer(self.position.data))


class ImageEditForm(SchemaForm):
    alt = StringField("Alt text", description=ALT_HINT)
    position = StringField("Position", description="0 is first; the others move to make room.",
                           render_kw={"inputmode": "numeric"})

    def schema_data(self):
        return present(alt=self.alt.data, position=typed_integer(self.position.data))
