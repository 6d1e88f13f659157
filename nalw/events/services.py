def place_paid(payment):
    pass


def place_refunded(payment):
    pass
