"""The Streamlit web app: entry point, pages and widgets."""
