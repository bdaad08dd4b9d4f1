from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from frontend import views as frontend_views
from notifications import views as notification_views
from passport import views as passport_views

urlpatterns = [
    path("healthz", frontend_views.healthz, name="healthz"),
    # The push service worker: from the root, so that its scope is the whole site.
    path("sw.js", notification_views.service_worker, name="service_worker"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
]

urlpatterns += [
    path("api/oauth/", include("api.oauth_urls")),
    path("api/v1/", include("api.urls")),
    path("profiel/api-sleutels/", include("api.account_urls")),
    path("profiel/webhooks/", include("api.webhook_urls")),
    path("profiel/gekoppelde-apps/", include("api.app_urls")),
    path("profiel/", include("accounts.urls")),
    path("meldingen/", include("notifications.urls")),
    path("gemeenschappen/", include("forum.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("samenvatting/", include("digests.urls")),
    path("paspoort/", include("passport.urls")),
    # The did:web issuer's DID document (did:web resolves did:web:<host> to this path).
    path(".well-known/did.json", passport_views.did_document, name="did_document"),
    path("monitor/", include("monitoring.urls")),
    path("bijeenkomsten/", include("meetings.urls")),
    # --- knowledge_base (Wagtail): admin, documents, API and the page tree ---
    path("cms/", include("wagtail.admin.urls")),
    path("documenten/", include("wagtail.documents.urls")),
    path("api/v2/", include("knowledge_base.api_urls")),
    path("kennisbank/", include("knowledge_base.urls")),
    path("kennisbank/", include("wagtail.urls")),
    # --- end knowledge_base ---
    path("", include("frontend.urls")),
]

if settings.KRING_SERVE_MEDIA:
    # Only the public folders (avatars, image renditions): attachments and documents under
    # MEDIA_ROOT go through their views' permission checks, in development too. In production
    # nginx serves these same folders (deploy/nginx/kring.conf).
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase
    from django.views.static import serve

    def public_media(request: HttpRequest, path: str, folder: str) -> HttpResponseBase:
        return serve(request, folder + path, document_root=str(settings.MEDIA_ROOT))

    urlpatterns += [
        path(f"{settings.MEDIA_URL.lstrip('/')}{folder}<path:path>", public_media, {"folder": folder})
        for folder in settings.KRING_PUBLIC_MEDIA
    ]
