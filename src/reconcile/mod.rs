//! Across files: transmission units, 予定↔実績, 第6表↔第7表 totals and version order.
