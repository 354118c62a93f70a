//! A notes store and a counter in SQLite at `/data/notes.db`: the program the example
//! Durable Object keeps state for. One command per run, from its arguments:
//!
//! - `add TEXT`: adds a note; prints how many there are.
//! - `list`: prints the notes, one a line.
//! - `bump MS`: adds one to the counter, taking MS milliseconds between reading and
//!   writing it (two runs on the same state at once would both write the same value);
//!   prints the new value.
//! - `fill BYTES`: adds blobs until the database holds at least BYTES (for measuring).
//! - `trap TEXT`: adds a note, then traps; `fail TEXT`: adds a note, then exits with 1. The
//!   host must keep neither.

use std::process::exit;
use std::time::Duration;

use rusqlite::{params, Connection};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = Connection::open("/data/notes.db").unwrap_or_else(|e| die(&e));
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 0), value INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
         INSERT OR IGNORE INTO counter VALUES (0, 0);",
    )
    .unwrap_or_else(|e| die(&e));
    match (args.first().map(String::as_str), args.get(1)) {
        (Some("add"), Some(text)) => println!("{} notes", add(&db, text)),
        (Some("list"), None) => {
            let mut list = db.prepare("SELECT text FROM notes ORDER BY id").unwrap_or_else(|e| die(&e));
            let notes = list.query_map([], |row| row.get::<_, String>(0)).unwrap_or_else(|e| die(&e));
            for note in notes {
                println!("{}", note.unwrap_or_else(|e| die(&e)));
            }
        }
        (Some("bump"), Some(ms)) => {
            let ms = ms.parse().unwrap_or_else(|e| die(&e));
            let value: i64 = db.query_row("SELECT value FROM counter", [], |r| r.get(0)).unwrap_or_else(|e| die(&e));
            std::thread::sleep(Duration::from_millis(ms));
            db.execute("UPDATE counter SET value = ?1", params![value + 1]).unwrap_or_else(|e| die(&e));
            println!("{}", value + 1);
        }
        (Some("fill"), Some(bytes)) => {
            let want: i64 = bytes.parse().unwrap_or_else(|e| die(&e));
            let size = |db: &Connection| -> i64 {
                db.query_row("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", [], |r| r.get(0))
                    .unwrap_or_else(|e| die(&e))
            };
            while size(&db) < want {
                db.execute("INSERT INTO blobs (data) VALUES (randomblob(65536))", []).unwrap_or_else(|e| die(&e));
            }
            println!("{} bytes", size(&db));
        }
        (Some("trap"), Some(text)) => {
            add(&db, text);
            std::process::abort();
        }
        (Some("fail"), Some(text)) => {
            add(&db, text);
            exit(1);
        }
        _ => {
            eprintln!("usage: notes add TEXT | list | bump MS | fill BYTES | trap TEXT | fail TEXT");
            exit(2);
        }
    }
}

/// Adds a note; returns how many there are.
fn add(db: &Connection, text: &str) -> i64 {
    db.execute("INSERT INTO notes (text) VALUES (?1)", params![text]).unwrap_or_else(|e| die(&e));
    db.query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).unwrap_or_else(|e| die(&e))
}

fn die(e: &dyn std::fmt::Display) -> ! {
    eprintln!("notes: {e}");
    exit(2)
}
