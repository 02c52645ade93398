"""Pages of the courts (public screens and draw records; verdict documents)."""

urlpatterns: list = []
