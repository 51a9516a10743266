# Oracle of test/stages/pack-windows.test.ts: compares a window shard with patch shards of the same grid,
# read with h5py: its tables, each kept position's crop against the patch of its grid cell, and the
# padding beyond the slide. argv[1]: JSON {window, patches: [...], slide: [width, height] | null}.
import h5py, json, sys
import numpy as np
o = json.loads(sys.argv[1])
win = h5py.File(o['window'], 'r')
a = win.attrs
P = int(a['patch_size']); S = int(a['stride']); W = int(a['window_size'])
ids = [x.decode() if isinstance(x, bytes) else x for x in win['slides/id'][()]]
wi = win['window_index'][()]; wo = win['window_offset'][()]; gi = win['grid_index'][()]; si = win['slide_index'][()]
co = win['coords'][()]; wc = win['window_coords'][()]; mask = win['window_mask'][()]; wsi = win['window_slide_index'][()]
windows = win['windows']
cells = wo // S
out = {'positions': int(len(gi)), 'windows': int(windows.shape[0]), 'compared': 0, 'equal': 0, 'maxAbs': 0}
out['offsetsOnLattice'] = bool((wo % S == 0).all() and (wo >= 0).all() and (wo + P <= W).all())
out['maskMatches'] = bool((mask[wi, cells[:, 1], cells[:, 0]] == 1).all() and int(mask.sum()) == len(gi))
out['slidesMatch'] = bool((wsi[wi] == si).all())
out['coordsAreWindowPlusOffset'] = bool((co == wc[wi] + wo).all())
patch = {}
for f in o['patches']:
  h = h5py.File(f, 'r')
  pids = [x.decode() if isinstance(x, bytes) else x for x in h['slides/id'][()]]
  for j, (s, g) in enumerate(zip(h['slide_index'][()], h['grid_index'][()])):
    patch[(pids[s], int(g))] = (h, j)
diff = 0.0
shuffled = 0.0
keys = [(ids[si[i]], int(gi[i])) for i in range(len(gi))]
for i in range(len(gi)):
  if keys[i] not in patch: continue
  h, j = patch[keys[i]]
  ox, oy = int(wo[i, 0]), int(wo[i, 1])
  crop = windows[wi[i], oy:oy + P, ox:ox + P, :].astype(np.int16)
  ref = h['patches'][j].astype(np.int16)
  out['compared'] += 1
  out['equal'] += int(np.array_equal(crop, ref))
  d = np.abs(crop - ref)
  diff += float(d.mean()); out['maxAbs'] = max(out['maxAbs'], int(d.max()))
  # The same crop against the patch of a far position: what "not the same place" looks like.
  h2, j2 = patch[keys[(i + len(gi) // 2) % len(gi)]]
  shuffled += float(np.abs(crop - h2['patches'][j2].astype(np.int16)).mean())
out['meanAbs'] = diff / max(1, out['compared'])
out['meanAbsFar'] = shuffled / max(1, out['compared'])
if o.get('slide'):
  sw, sh = o['slide']
  white = True; padded = 0; inside = True
  for w in range(windows.shape[0]):
    x0, y0 = int(wc[w, 0]), int(wc[w, 1])
    if x0 + W > sw:
      padded += 1; white = white and bool((windows[w, :, sw - x0:, :] == 255).all())
    if y0 + W > sh:
      padded += 1; white = white and bool((windows[w, sh - y0:, :, :] == 255).all())
  for i in range(len(gi)):
    x0, y0 = wc[wi[i]]
    inside = inside and bool(x0 + wo[i, 0] + P <= sw and y0 + wo[i, 1] + P <= sh)
  out['whiteOutside'] = white; out['paddedEdges'] = padded; out['patchesInside'] = inside
print(json.dumps(out))
