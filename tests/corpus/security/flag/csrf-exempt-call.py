urlpatterns = [path("hook/", csrf_exempt(views.hook))]
