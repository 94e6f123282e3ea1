package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// FerretDB 1.24's SQLite backend looks documents up by _id with the expression
// `_ferretdb_sjson->'$._id'` (find, update and delete by _id), but creates the _id_ index on
// `_ferretdb_sjson->"_id"`. SQLite uses an expression index only for the identical expression, so
// every lookup by _id scanned and parsed the whole table: about 13 ms per lookup at 500 cache
// documents of 17 KB, growing with the collection. keepIDPathIndexes adds the index SQLite can
// use, to every collection table of every database, as soon as it appears. FerretDB keeps its own
// index list in _ferretdb_collections, so this index is invisible to clients and is dropped with
// its table.

const idPathIndexSuffix = "__ferretdb_runner_id_path"

func keepIDPathIndexes(ctx context.Context, dataDir string, every time.Duration, logger *slog.Logger) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dataDir, "*.sqlite"))
		for _, file := range files {
			if err := addIDPathIndexes(ctx, file, logger); err != nil && ctx.Err() == nil {
				logger.Warn("cannot add _id path indexes", "file", file, "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// addIDPathIndexes opens the database file for one pass (never creating it: FerretDB deletes the
// file to drop a database) and indexes the collection tables that lack the _id path index.
func addIDPathIndexes(ctx context.Context, file string, logger *slog.Logger) error {
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	tables, err := firstColumn(ctx, db, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB is still creating
		}
		return err
	}
	indexes, err := firstColumn(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		return err
	}
	existing := make(map[string]bool, len(indexes))
	for _, name := range indexes {
		existing[name] = true
	}
	for _, table := range tables {
		name := table + idPathIndexSuffix
		if existing[name] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, name, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped since we listed it
			}
			return err
		}
		logger.Info("added _id path index", "file", filepath.Base(file), "table", table)
	}
	return nil
}

// firstColumn returns the first column of every row of a query.
func firstColumn(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
