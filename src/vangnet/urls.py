from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from vangnet.accounts.admin_site import VangnetAdminSite

# The admin: the staff login's door and second factor, the policy's roles, every look logged.
admin.site.__class__ = VangnetAdminSite

# A request that finds no database connection (outside a view too) gets the calm "busy" page.
handler500 = "vangnet.core.busy.server_error_or_busy"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("staff/", include("vangnet.accounts.urls")),
    path("staff/chat/", include("vangnet.chat.urls")),
    path("staff/coding/", include("vangnet.coding.urls")),
    path("staff/monitor/", include("vangnet.monitor.urls")),
    path("staff/reading/", include("vangnet.reading.urls")),
    path("staff/cases/", include("vangnet.cases.urls")),
    path("staff/partner/", include("vangnet.sharing.urls")),
    path("admin/", admin.site.urls),
]
# Public pages: Dutch at /, English at /en/.
urlpatterns += i18n_patterns(
    path("", include("vangnet.guide.urls")),
    path("chat/feedback/", include("vangnet.coding.public_urls")),
    path("chat/", include("vangnet.chat.public_urls")),
    prefix_default_language=False,
)
