# ruff: noqa: E501 - the msgids must be allauth's exactly, long lines and all
"""Words in django-allauth's pages that Kring says differently (one word per concept).

allauth's Dutch catalogue uses "Aanmelden" for signing in and "Registreren" for signing up; Kring
says "Inloggen" and "Account maken" everywhere. Listing the msgids here puts them in frontend's
catalogue, which Django reads before allauth's (Kring's apps come first in INSTALLED_APPS), so
Kring's words win. The Dutch is in frontend/locale/nl/LC_MESSAGES/django.po.
"""

from django.utils.translation import gettext_noop

ALLAUTH_WORDS = [
    gettext_noop("Sign In"),
    gettext_noop("Login"),
    gettext_noop("Invalid login."),
    gettext_noop("Enter Sign-In Code"),
    gettext_noop("Sign-In Code"),
    gettext_noop("Your sign-in code is listed below. Please enter it in your open browser window."),
    gettext_noop("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
    gettext_noop("Sign in with a passkey"),
    gettext_noop("Send me a sign-in code"),
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    gettext_noop("Other sign-in options"),
    gettext_noop("Signup"),
    gettext_noop("Sign Up"),
    gettext_noop("Sign up using a passkey"),
    gettext_noop("Passkey Sign Up"),
    gettext_noop("Sign Up Closed"),
    gettext_noop("We are sorry, but the sign up is currently closed."),
    gettext_noop("Third-Party Login Failure"),
    gettext_noop("You can sign in to your account using any of the following third-party accounts:"),
    gettext_noop("Sign In Via %(provider)s"),
    gettext_noop("You are about to sign in using a third-party account from %(provider)s."),
    gettext_noop("Login Cancelled"),
    gettext_noop(
        "Enabling passwordless operation allows you to sign in using just this key, but imposes additional requirements such as biometrics or PIN protection."
    ),
    gettext_noop(
        "An account already exists with this email address. Please sign in to that account first, then connect your %s account."
    ),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize the signup process. If you do not see the verification email in your main inbox, check your spam folder. Please contact us if you do not receive the verification email within a few minutes."
    ),
    gettext_noop(
        'You decided to cancel logging in to our site using one of your existing accounts. If this was a mistake, please proceed to <a href="%(login_url)s">sign in</a>.'
    ),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("A user is already registered with this email address."),
]
