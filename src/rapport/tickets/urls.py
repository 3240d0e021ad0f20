from django.urls import path

from rapport.tickets.views import detail, inbox, properties

app_name = "tickets"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("bulk/", inbox.bulk, name="bulk"),
    path("export.csv", inbox.export_csv, name="export"),
    path("attachments/<str:public_id>/", detail.attachment, name="attachment"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/reply/", detail.reply, name="reply"),
    path("<int:pk>/merge/", detail.merge, name="merge"),
    path("<int:pk>/properties/<slug:prop>/", properties.update_property, name="property"),
]
