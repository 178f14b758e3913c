from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("registration/<str:token>/", views.registration, name="registration"),
]
