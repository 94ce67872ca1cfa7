// The segment builder: shows each condition's own inputs for the kind chosen, adds and removes conditions.
(function () {
  var rows = document.getElementById('segment-rows');
  var template = document.getElementById('segment-row-template');
  var add = document.getElementById('segment-add-row');
  if (!rows || !template || !add) return;
  function fit(row) {
    var kind = row.querySelector('.segment-kind').value;
    row.setAttribute('data-kind', kind);
    row.querySelectorAll('[data-for]').forEach(function (label) {
      label.hidden = !kind || label.getAttribute('data-for').split(' ').indexOf(kind) < 0;
    });
  }
  function wire(row) {
    row.querySelector('.segment-kind').addEventListener('change', function () { fit(row); });
    var remove = row.querySelector('.segment-remove');
    remove.hidden = false;
    remove.addEventListener('click', function () { row.remove(); });
    fit(row);
  }
  rows.querySelectorAll('.condition').forEach(wire);
  add.hidden = false;
  add.addEventListener('click', function () {
    var row = template.content.firstElementChild.cloneNode(true);
    rows.appendChild(row);
    wire(row);
    row.querySelector('.segment-kind').focus();
  });
})();
