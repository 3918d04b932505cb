package write

// Queued is how many writes wait in lane's queue, for tests that hold a transaction of the lane.
func (w *Writer) Queued(l Lane) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if q, ok := w.lanes[l]; ok {
		return len(q.pending)
	}
	return 0
}
