"""The text of the e-mails about an account."""


def password_reset_email(user, link, ttl_minutes):
    """(subject, body) of the e-mail with the one-use link that sets a new password."""
    body = "\n".join([
        f"Hello {user.name},",
        "",
        "To choose a new password for your shop account, open this link:",
        link,
        "",
        f"It works once, within {ttl_minutes} minutes. Setting a new password logs you out everywhere.",
        "If you did not ask for it, ignore this e-mail: your password stays as it is.",
    ])
    return "Reset your password", body
