"""The app's pages, each a Streamlit script listed in screening/app/main.py."""
