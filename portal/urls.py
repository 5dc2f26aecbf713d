"""Self-service pages for insured persons (本人向けページ)."""

app_name = "portal"
urlpatterns: list = []
