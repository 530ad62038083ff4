class Order(models.Model):
    verified = models.BooleanField(default=False)
    debug_info = models.TextField(blank=True)
