-- The shape of an archive made at commit 1fcd337, the last version before
-- migrations were recorded, as SQLite stored it: what the first steps of
-- archive/migrations.py bring an unrecorded archive to.
CREATE TABLE "articles" (
   "id" INTEGER PRIMARY KEY,
   "digest" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "published" TEXT,
   "source" TEXT,
   "path" TEXT NOT NULL,
   "word_count" INTEGER NOT NULL,
   "imported_at" TEXT NOT NULL,
   "pipeline" TEXT NOT NULL,
   "entity_model" TEXT
);
CREATE INDEX "idx_articles_published"
    ON "articles" ("published");
CREATE INDEX "idx_articles_source"
    ON "articles" ("source");
CREATE UNIQUE INDEX "idx_articles_digest"
    ON "articles" ("digest");
CREATE TABLE "paragraphs" (
   "id" INTEGER PRIMARY KEY,
   "article_id" INTEGER NOT NULL REFERENCES "articles"("id"),
   "position" INTEGER NOT NULL,
   "text" TEXT NOT NULL
);
CREATE UNIQUE INDEX "idx_paragraphs_article_id_position"
    ON "paragraphs" ("article_id", "position");
CREATE TABLE "removed_lines" (
   "article_id" INTEGER REFERENCES "articles"("id"),
   "line_number" INTEGER,
   "text" TEXT NOT NULL,
   "reason" TEXT NOT NULL,
   PRIMARY KEY ("article_id", "line_number")
) WITHOUT ROWID;
CREATE INDEX "idx_removed_lines_reason"
    ON "removed_lines" ("reason");
CREATE TABLE "entities" (
   "id" INTEGER PRIMARY KEY,
   "key" TEXT NOT NULL,
   "name" TEXT NOT NULL,
   "type" TEXT NOT NULL,
   "aliases" TEXT NOT NULL,
   "article_count" INTEGER NOT NULL,
   "mention_count" INTEGER NOT NULL
);
CREATE INDEX "idx_entities_type_mention_count"
    ON "entities" ("type", "mention_count");
CREATE INDEX "idx_entities_mention_count"
    ON "entities" ("mention_count");
CREATE UNIQUE INDEX "idx_entities_key"
    ON "entities" ("key");
CREATE TABLE "mentions" (
   "id" INTEGER PRIMARY KEY,
   "entity_id" INTEGER REFERENCES "entities"("id"),
   "article_id" INTEGER NOT NULL REFERENCES "articles"("id"),
   "paragraph_id" INTEGER NOT NULL REFERENCES "paragraphs"("id"),
   "text" TEXT NOT NULL,
   "start" INTEGER NOT NULL,
   "end" INTEGER NOT NULL,
   "label" TEXT NOT NULL,
   "label_source" TEXT NOT NULL,
   "name_key" TEXT NOT NULL,
   "value" TEXT
);
CREATE INDEX "idx_mentions_article_id"
    ON "mentions" ("article_id");
CREATE INDEX "idx_mentions_paragraph_id"
    ON "mentions" ("paragraph_id");
CREATE INDEX "idx_mentions_entity_id"
    ON "mentions" ("entity_id");
CREATE INDEX "idx_mentions_name_key"
    ON "mentions" ("name_key");
CREATE TABLE "article_entities" (
   "entity_id" INTEGER REFERENCES "entities"("id"),
   "article_id" INTEGER REFERENCES "articles"("id"),
   "mentions" INTEGER NOT NULL,
   "first_mention" INTEGER NOT NULL REFERENCES "mentions"("id"),
   "published" TEXT,
   PRIMARY KEY ("entity_id", "article_id")
);
CREATE INDEX "idx_article_entities_article_id"
    ON "article_entities" ("article_id");
CREATE INDEX "idx_article_entities_entity_id_published_mentions"
    ON "article_entities" ("entity_id", "published", "mentions");
CREATE TABLE "entity_pairs" (
   "entity_id" INTEGER REFERENCES "entities"("id"),
   "other_id" INTEGER REFERENCES "entities"("id"),
   "articles" INTEGER NOT NULL,
   "mentions" INTEGER NOT NULL,
   PRIMARY KEY ("entity_id", "other_id")
) WITHOUT ROWID;
CREATE TABLE "entity_names" (
   "name_key" TEXT PRIMARY KEY,
   "entity_id" INTEGER NOT NULL REFERENCES "entities"("id")
);
CREATE INDEX "idx_entity_names_entity_id"
    ON "entity_names" ("entity_id");
CREATE TABLE "article_files" (
   "path" TEXT PRIMARY KEY,
   "article_id" INTEGER NOT NULL REFERENCES "articles"("id"),
   "sha256" TEXT NOT NULL,
   "encoding" TEXT,
   "repairs" TEXT,
   "imported_at" TEXT NOT NULL
);
CREATE INDEX "idx_article_files_article_id"
    ON "article_files" ("article_id");
CREATE TABLE "import_errors" (
   "path" TEXT PRIMARY KEY,
   "reason" TEXT NOT NULL,
   "at" TEXT NOT NULL
);
CREATE VIEW "article_texts" AS SELECT articles.id, articles.title,
  (SELECT group_concat(text, char(10) || char(10)) FROM
    (SELECT text FROM paragraphs WHERE paragraphs.article_id = articles.id ORDER BY position)) AS body
FROM articles;
CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "body", "title",
    tokenize='porter unicode61 remove_diacritics 2',
    content="article_texts", content_rowid="id"
);
CREATE VIRTUAL TABLE "paragraphs_fts" USING FTS5 (
    "text",
    tokenize='porter unicode61 remove_diacritics 2',
    content="paragraphs"
);
CREATE TRIGGER "paragraphs_ai" AFTER INSERT ON "paragraphs" BEGIN
  INSERT INTO "paragraphs_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
CREATE TRIGGER "paragraphs_ad" AFTER DELETE ON "paragraphs" BEGIN
  INSERT INTO "paragraphs_fts" ("paragraphs_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
END;
CREATE TRIGGER "paragraphs_au" AFTER UPDATE ON "paragraphs" BEGIN
  INSERT INTO "paragraphs_fts" ("paragraphs_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
  INSERT INTO "paragraphs_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
