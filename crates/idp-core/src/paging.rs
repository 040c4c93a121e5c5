//! Lists served a page at a time: `limit` rows and an opaque token for the
//! next page (the organizations, users and audit-event lists).

/// A `limit` or `page_token` the caller made up.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("{0}")]
pub struct InvalidPage(pub &'static str);

/// One page of a list: `limit` rows from `offset` on.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub offset: i64,
    pub limit: i64,
}

pub const MAX_PAGE: i64 = 200;
pub const DEFAULT_PAGE: i64 = 50;

impl PageRequest {
    /// From the API's `limit` and opaque `page_token` (a decimal offset).
    pub fn parse(limit: Option<i64>, page_token: Option<&str>) -> Result<Self, InvalidPage> {
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(InvalidPage("limit must be between 1 and 200"));
        }
        let offset = match page_token {
            None | Some("") => 0,
            Some(t) => t
                .parse::<i64>()
                .ok()
                .filter(|o| *o >= 0)
                .ok_or(InvalidPage("page_token is not one this server gave"))?,
        };
        Ok(Self { offset, limit })
    }

    /// Loads one more row than asked, to know whether another page follows.
    pub(crate) fn fetch(&self) -> i64 {
        self.limit + 1
    }

    pub(crate) fn finish<T>(&self, mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        Page {
            next_page_token: more.then(|| (self.offset + self.limit).to_string()),
            items: rows,
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: DEFAULT_PAGE,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
}
