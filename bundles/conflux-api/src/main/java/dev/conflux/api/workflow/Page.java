package dev.conflux.api.workflow;

import java.util.List;

/**
 * A slice of a longer list.
 *
 * @param items the items of this page
 * @param offset how many items come before this page
 * @param limit the page size asked for
 * @param total how many items there are in all
 */
public record Page<T>(List<T> items, int offset, int limit, long total) {

    public Page {
        items = List.copyOf(items);
    }
}
