"""/<lang>/my/reviews/…: the reviewer's papers (config/urls.py mounts them)."""

from django.urls import path

from proceedings import review_views

app_name = "reviews"

urlpatterns = [
    path("", review_views.my_reviews, name="my_reviews"),
    path("<int:pk>/", review_views.review, name="review"),
    path("<int:pk>/file/", review_views.download, name="download"),
]
