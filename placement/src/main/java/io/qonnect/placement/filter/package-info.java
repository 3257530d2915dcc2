/**
 * Filter plugins: may this member cluster host this component at all? One concern per class, each pure,
 * each answering with a reason a user can act on.
 */
package io.qonnect.placement.filter;
