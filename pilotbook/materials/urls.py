from django.urls import path

from . import views

urlpatterns = [
    path("", views.material_library, name="material-library"),
    path("<int:pk>/", views.material_detail, name="material-detail"),
    path("<int:pk>/file/", views.material_download, name="material-download"),
    path("pilot/<int:pilot_pk>/new/", views.material_new, name="material-new"),
]
