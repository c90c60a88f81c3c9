// Package events is the notification context's published language. It
// publishes no events yet: notifications are the end of the line.
package events
