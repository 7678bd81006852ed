// graphene-django's graphiql.js reads its settings from window.GRAPHENE_SETTINGS. They come as a JSON
// data block (templates/graphene/graphiql.html), since the Content-Security-Policy allows no inline scripts.
window.GRAPHENE_SETTINGS = JSON.parse(document.getElementById("graphene-settings").textContent);
