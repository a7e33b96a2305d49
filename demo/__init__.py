"""The demo conferences of 2019, Dushanbe and Ashgabat.

``demo.loader`` builds them and ``manage.py load_demo`` runs it. The demo stands above every app
and may import any of them; no app imports it.
"""
