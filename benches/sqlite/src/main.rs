//! A SQLite workload for the disk benchmark: 10,000 inserts in ten transactions, an
//! index, an update and a delete of a share of the rows, `VACUUM`, then a summary printed
//! to stdout (the same on every correct filesystem). The database lives in the directory
//! given as the first argument (default `/sandbox`).

use rusqlite::{params, Connection};

fn main() -> rusqlite::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/sandbox".into());
    let mut db = Connection::open(format!("{dir}/bench.db"))?;
    db.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL NOT NULL)")?;
    for batch in 0..10u32 {
        let tx = db.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO t (id, name, value) VALUES (?1, ?2, ?3)")?;
            for i in batch * 1000..(batch + 1) * 1000 {
                let name = format!("name-{:05}-{}", (i * 7919) % 10007, "x".repeat((i % 40) as usize));
                insert.execute(params![i, name, f64::from(i) * 0.5])?;
            }
        }
        tx.commit()?;
    }
    db.execute_batch(
        "CREATE INDEX t_name ON t (name);
         UPDATE t SET value = value * 2 WHERE id % 5 = 0;
         DELETE FROM t WHERE id % 7 = 0;
         VACUUM;",
    )?;
    let (count, sum, first, last): (i64, f64, String, String) =
        db.query_row("SELECT count(*), sum(value), min(name), max(name) FROM t", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    println!("rows {count} sum {sum} first {first} last {}", &last[..11]);
    Ok(())
}
