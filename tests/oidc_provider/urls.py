from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def sign_in(request: HttpRequest) -> HttpResponse:
    """The provider's own sign-in (the tests post a username and password)."""
    user = authenticate(
        request,
        username=request.POST.get("username", ""),
        password=request.POST.get("password", ""),
    )
    if user is None:
        return HttpResponse("Wrong username or password.", status=401)
    login(request, user)
    return HttpResponse("Signed in.")


urlpatterns = [
    path("login/", sign_in),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
