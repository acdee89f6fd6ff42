"""A searchable, trustworthy archive of news articles, built on SQLite and Datasette."""
