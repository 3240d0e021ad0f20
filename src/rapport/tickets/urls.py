from django.urls import path

from rapport.tickets.views import detail, inbox, live, properties

app_name = "tickets"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("bulk/", inbox.bulk, name="bulk"),
    path("export.csv", inbox.export_csv, name="export"),
    path("live/nav/", live.nav, name="live_nav"),
    path("attachments/<str:public_id>/", detail.attachment, name="attachment"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/timeline/", live.timeline, name="live_timeline"),
    path("<int:pk>/reply/", detail.reply, name="reply"),
    path("<int:pk>/merge/", detail.merge, name="merge"),
    path("<int:pk>/properties/<slug:prop>/", properties.update_property, name="property"),
]
