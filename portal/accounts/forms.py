from django.contrib.auth.forms import AuthenticationForm

from portal.forms import styled


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
