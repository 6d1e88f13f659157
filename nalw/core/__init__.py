"""What every domain shares. Imports no domain. Its few pages (home, health check) are in views.py."""
