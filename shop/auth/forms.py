"""The account forms. Their rules are the API's schemas (auth.schemas)."""
from wtforms import EmailField, HiddenField, PasswordField, StringField

from ..forms import SchemaForm, present


class RegisterForm(SchemaForm):
    name = StringField("Your name", render_kw={"autocomplete": "name"})
    email = EmailField("Email", render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password", description="At least 10 characters.", render_kw={"autocomplete": "new-password"}
    )

    def schema_data(self):
        return present(name=self.name.data, email=self.email.data, password=self.password.data)


class LoginForm(SchemaForm):
    email = EmailField("Email", render_kw={"autocomplete": "username"})
    password = PasswordField("Password", render_kw={"autocomplete": "current-password"})
    next = HiddenField()

    def schema_data(self):
        return present(email=self.email.data, password=self.password.data)


class CustomerSearchForm(SchemaForm):
    """The back office's customer search (a GET form)."""
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("E-mail or name starts with", render_kw={"maxlength": 254, "autocomplete": "off"})


class ForgotPasswordForm(SchemaForm):
    email = EmailField("Email", render_kw={"autocomplete": "email"})

    def schema_data(self):
        return present(email=self.email.data)


class ResetPasswordForm(SchemaForm):
    password = PasswordField(
        "New password", description="At least 10 characters.", render_kw={"autocomplete": "new-password"}
    )

    def schema_data(self):
        return present(password=self.password.data)


class NameForm(SchemaForm):
    name = StringField("Your name", render_kw={"autocomplete": "name"})

    def schema_data(self):
        return present(name=self.name.data)


class ChangePasswordForm(SchemaForm):
    current_password = PasswordField("Current password", render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        "New password", description="At least 10 characters.", render_kw={"autocomplete": "new-password"}
    )

    def schema_data(self):
        return present(current_password=self.current_password.data, new_password=self.new_password.data)
