//! Character data: escaping per SPEC rule 11 and refusing what XML 1.0 cannot carry.

use bytes::BytesMut;

/// Bytes that need a second look: `<`, `>`, `&`, every C0 control except TAB
/// and LF (CR is escaped, the rest refused), and 0xEF, the lead byte of
/// U+FFFE and U+FFFF.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != 0x09 && b != 0x0A;
        b += 1;
    }
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'&' as usize] = true;
    table[0xEF] = true;
    table
};

/// Appends `text` escaped as XML character data.
///
/// Escapes `<`, `>` and `&`, and writes CR as `&#xD;` so XML's line-end
/// normalisation cannot turn it into LF. Returns the first character XML 1.0
/// cannot carry (C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF); `out` then
/// holds a partial write the caller discards.
pub(crate) fn write_text(text: &str, out: &mut BytesMut) -> Result<(), char> {
    let bytes = text.as_bytes();
    // Copy clean runs in one go; most strings have no special byte at all.
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[usize::from(b)] {
            i += 1;
            continue;
        }
        let replacement: &[u8] = match b {
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'&' => b"&amp;",
            b'\r' => b"&#xD;",
            0xEF => {
                // U+FFFE is EF BF BE, U+FFFF is EF BF BF; other EF.. chars are fine.
                match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(0xBF), Some(0xBE)) => return Err('\u{FFFE}'),
                    (Some(0xBF), Some(0xBF)) => return Err('\u{FFFF}'),
                    _ => {
                        i += 1;
                        continue;
                    }
                }
            }
            control => return Err(char::from(control)),
        };
        out.extend_from_slice(&bytes[run_start..i]);
        out.extend_from_slice(replacement);
        i += 1;
        run_start = i;
    }
    out.extend_from_slice(&bytes[run_start..]);
    Ok(())
}

/// The first character of `text` XML 1.0 cannot carry, if any.
pub(crate) fn first_uncarriable(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> Result<String, char> {
        let mut out = BytesMut::new();
        write_text(text, &mut out)?;
        Ok(String::from_utf8(out.to_vec()).expect("escaper keeps UTF-8"))
    }

    #[test]
    fn escapes_markup_and_carriage_return() {
        assert_eq!(escaped("a<b>c&d\re").unwrap(), "a&lt;b&gt;c&amp;d&#xD;e");
        assert_eq!(escaped("<<").unwrap(), "&lt;&lt;");
        assert_eq!(escaped("").unwrap(), "");
    }

    #[test]
    fn keeps_tab_newline_quotes_and_unicode() {
        let text = "tab\tnl\n\"'\u{7F}é€😀\u{FFFD}\u{EFFF}";
        assert_eq!(escaped(text).unwrap(), text);
    }

    #[test]
    fn refuses_what_xml_cannot_carry() {
        for c in [
            '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            let text = format!("ok{c}x");
            assert_eq!(escaped(&text), Err(c), "{c:?}");
            assert_eq!(first_uncarriable(&text), Some(c));
        }
        assert_eq!(first_uncarriable("fine\t\r\n"), None);
    }
}
