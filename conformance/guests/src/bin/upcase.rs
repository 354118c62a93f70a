//! A tiny filter for the example Worker: copies stdin to stdout in upper case, after a line
//! naming its arguments. Reads and writes in chunks, so output streams as input arrives.

use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "args: {args:?}").unwrap();
    let mut buf = [0u8; 4096];
    let mut stdin = std::io::stdin().lock();
    loop {
        let n = stdin.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        buf[..n].make_ascii_uppercase();
        out.write_all(&buf[..n]).unwrap();
        out.flush().unwrap();
    }
}
