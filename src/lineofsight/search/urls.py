from django.urls import path

from lineofsight.search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
