//! A row's cells, one per column, stored so that empty ones cost nothing: the first cells in a
//! plain vector, the rest only where present (column → cell). A record tab's row has every cell
//! in the vector; a Compare pivot's row (~100 columns by reports, one or two of them filled)
//! keeps its fixed columns in the vector and its few figures apart. Reading a cell the row does
//! not hold gives the one shared empty cell: no allocation, no memory per empty cell.

use std::ops::{Index, IndexMut};

use super::{Cell, SortKey};

/// The empty cell every absent cell reads as.
static EMPTY: Cell = Cell {
    text: String::new(),
    key: SortKey::Missing,
};

/// A row's cells: `len` of them, logically; the first `dense.len()` held in order, the others
/// held only where `sparse` has them (by column, ascending; every column ≥ `dense.len()` and
/// < `len`).
#[derive(Clone, Default)]
pub struct Cells {
    dense: Vec<Cell>,
    sparse: Vec<(u32, Cell)>,
    len: usize,
}

impl Cells {
    /// `len` cells: `head` first, then `tail`'s (column, cell) pairs where they are (in any
    /// order; a later pair for the same column replaces an earlier one), every other cell empty.
    ///
    /// # Panics
    /// When a column of `tail` is not after `head` or not below `len`, or `head` is longer than
    /// `len` (a bug in the caller, as indexing a vector out of bounds is).
    pub fn sparse(len: usize, head: Vec<Cell>, mut tail: Vec<(usize, Cell)>) -> Cells {
        assert!(head.len() <= len, "{} head cells in a row of {len}", head.len());
        tail.sort_by_key(|t| t.0); // stable: of equal columns, the last one stays last
        let mut sparse: Vec<(u32, Cell)> = Vec::with_capacity(tail.len());
        for (c, cell) in tail {
            assert!(
                c >= head.len() && c < len,
                "cell {c} outside {}..{len}",
                head.len()
            );
            let c = u32::try_from(c).expect("fewer than 2^32 columns");
            match sparse.last_mut() {
                Some(last) if last.0 == c => last.1 = cell,
                _ => sparse.push((c, cell)),
            }
        }
        Cells {
            dense: head,
            sparse,
            len,
        }
    }

    /// How many cells (columns) the row has, empty ones included.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cell at `column`, `None` past the row's end (an absent cell reads as empty).
    pub fn get(&self, column: usize) -> Option<&Cell> {
        if column < self.dense.len() {
            Some(&self.dense[column])
        } else if column < self.len {
            Some(self.held(column).map_or(&EMPTY, |at| &self.sparse[at].1))
        } else {
            None
        }
    }

    /// Where `column` is in `sparse`.
    fn held(&self, column: usize) -> Result<usize, usize> {
        // Columns past u32::MAX cannot be held (`sparse` refuses them).
        let c = u32::try_from(column).unwrap_or(u32::MAX);
        self.sparse.binary_search_by_key(&c, |s| s.0)
    }

    /// Every cell in column order, empty ones included.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            cells: self,
            at: 0,
            next_sparse: 0,
        }
    }

    /// The cells the row holds, with their columns, in column order: every cell that is not
    /// empty is among them (an empty one may be too). For passes that skip empty cells.
    pub fn held_cells(&self) -> impl Iterator<Item = (usize, &Cell)> {
        self.dense
            .iter()
            .enumerate()
            .chain(self.sparse.iter().map(|(c, cell)| (*c as usize, cell)))
    }
}

impl Index<usize> for Cells {
    type Output = Cell;

    fn index(&self, column: usize) -> &Cell {
        match self.get(column) {
            Some(c) => c,
            None => panic!("cell {column} of a row of {}", self.len),
        }
    }
}

impl IndexMut<usize> for Cells {
    /// The cell at `column`, to change: an absent one is made (empty) first.
    fn index_mut(&mut self, column: usize) -> &mut Cell {
        assert!(column < self.len, "cell {column} of a row of {}", self.len);
        if column < self.dense.len() {
            return &mut self.dense[column];
        }
        let at = match self.held(column) {
            Ok(at) => at,
            Err(at) => {
                self.sparse.insert(at, (column as u32, Cell::empty()));
                at
            }
        };
        &mut self.sparse[at].1
    }
}

/// Every cell in column order (see [`Cells::iter`]).
pub struct Iter<'c> {
    cells: &'c Cells,
    at: usize,
    next_sparse: usize,
}

impl<'c> Iterator for Iter<'c> {
    type Item = &'c Cell;

    fn next(&mut self) -> Option<&'c Cell> {
        let c = self.cells;
        if self.at >= c.len {
            return None;
        }
        let at = self.at;
        self.at += 1;
        if at < c.dense.len() {
            return Some(&c.dense[at]);
        }
        match c.sparse.get(self.next_sparse) {
            Some((col, cell)) if *col as usize == at => {
                self.next_sparse += 1;
                Some(cell)
            }
            _ => Some(&EMPTY),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.cells.len - self.at;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'c> IntoIterator for &'c Cells {
    type Item = &'c Cell;
    type IntoIter = Iter<'c>;

    fn into_iter(self) -> Iter<'c> {
        self.iter()
    }
}

impl From<Vec<Cell>> for Cells {
    fn from(dense: Vec<Cell>) -> Cells {
        Cells {
            len: dense.len(),
            dense,
            sparse: Vec::new(),
        }
    }
}

impl FromIterator<Cell> for Cells {
    fn from_iter<I: IntoIterator<Item = Cell>>(iter: I) -> Cells {
        Cells::from(iter.into_iter().collect::<Vec<_>>())
    }
}

/// Rows are equal when their cells are, however they are held.
impl PartialEq for Cells {
    fn eq(&self, other: &Cells) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::text(s)
    }

    #[test]
    fn absent_cells_read_as_empty_and_equal_a_dense_row() {
        let c = Cells::sparse(6, vec![t("a"), t("b")], vec![(4, t("e")), (3, t("d"))]);
        assert_eq!(c.len(), 6);
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "", "d", "e", ""]);
        assert_eq!(c[5], Cell::empty());
        assert!(c.get(6).is_none());
        let dense: Cells = vec![t("a"), t("b"), Cell::empty(), t("d"), t("e"), Cell::empty()].into();
        assert_eq!(c, dense);
        assert_ne!(c, Cells::from(vec![t("a"), t("b")]));
        let held: Vec<usize> = c.held_cells().map(|h| h.0).collect();
        assert_eq!(held, [0, 1, 3, 4]);
        assert_eq!(c.iter().len(), 6);
    }

    #[test]
    fn writing_an_absent_cell_holds_it_in_column_order() {
        let mut c = Cells::sparse(5, vec![t("a")], vec![(3, t("d"))]);
        c[4] = t("e");
        c[2] = t("c");
        c[0] = t("A");
        c[3].text.push('!');
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["A", "", "c", "d!", "e"]);
        let held: Vec<usize> = c.held_cells().map(|h| h.0).collect();
        assert_eq!(held, [0, 2, 3, 4]);
    }

    #[test]
    fn the_last_of_two_cells_for_one_column_stays() {
        let c = Cells::sparse(3, vec![], vec![(1, t("x")), (1, t("y"))]);
        assert_eq!(c[1].text, "y");
        assert_eq!(c.held_cells().count(), 1);
    }

    #[test]
    #[should_panic(expected = "cell 3 of a row of 3")]
    fn past_the_end_panics_as_a_vector_does() {
        let mut c = Cells::sparse(3, vec![], vec![]);
        c[3] = t("x");
    }
}
